//! A person's own notification settings (`GET/PUT /api/v1/me/notifications`, the page
//! `/me/notifications`): the mode, and an address they type, which gets a confirmation link
//! before anything else is sent to it (the link's row is written in the same transaction as
//! the pending address). Staff mail goes to the address their municipality registered (it is
//! also how their login is linked), so only citizens type one. The signed links of a message
//! (`links`) confirm an address or turn mail off without a session; one that does not verify
//! is not found, and changes nothing.

use super::enqueue::write;
use super::links::{self, ConfirmToken};
use crate::app::App;
use crate::domain::email::Email;
use crate::domain::ids::AccountId;
use crate::domain::notice_event::NoticeEvent;
use crate::domain::notification_mode::NotificationMode;
use crate::error::{Answer, Arg, ErrorKind, Fragment, UserError};
use crate::store::StoreError;
use crate::store::accounts::AccountKind;
use crate::store::notification_settings::{self, Recipient};
use crate::store::outbox::NewMessage;

#[derive(Debug, thiserror::Error)]
pub enum PreferencesError {
    #[error("{field}: not accepted")]
    Invalid {
        field: String,
        key: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    /// A link that does not verify, has expired, or was for another address.
    #[error("no such link")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PreferencesError {
    pub fn invalid(field: &str, key: &'static str) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            key,
            args: Vec::new(),
        }
    }

    /// A field that is not one of the settings; the sentence names it.
    pub fn unknown_field(name: &str) -> Self {
        let shown: String = name.chars().take(40).filter(|c| !c.is_control()).collect();
        Self::Invalid {
            field: shown.clone(),
            key: "invalid.notifications.unknown_field",
            args: vec![("name", Arg::Text(shown))],
        }
    }

    pub fn rejected(field: &str, why: &impl Fragment) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            key: why.key(),
            args: why.args(),
        }
    }

    /// The field at fault, if one is.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl UserError for PreferencesError {
    fn answer(&self) -> Answer {
        match self {
            // A body the API cannot take is a 400 naming the field (unknown ones too).
            Self::Invalid { field, key, args } => {
                let mut answer = Answer::new(ErrorKind::BadRequest, "invalid-field", key)
                    .with("field", field.clone());
                answer.field = match field.as_str() {
                    "email" => Some("email"),
                    "mode" => Some("mode"),
                    _ => Some("body"),
                };
                answer.args.clone_from(args);
                answer
            }
            Self::NotFound => Answer::not_found(),
            Self::Store(e) => e.answer(),
        }
    }
}

/// What the person sees of their settings.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Preferences {
    /// The confirmed address mail goes to; null when none is known.
    pub email: Option<String>,
    /// An address typed and waiting for its confirmation link.
    pub pending_email: Option<String>,
    pub mode: NotificationMode,
    /// Staff addresses are the municipality's: they cannot be typed here.
    pub email_editable: bool,
}

impl From<Recipient> for Preferences {
    fn from(r: Recipient) -> Self {
        Self {
            email: r.email.filter(|_| r.email_confirmed),
            pending_email: r.pending_email,
            mode: r.mode,
            email_editable: r.kind == AccountKind::Citizen,
        }
    }
}

/// A change: only the fields given change.
#[derive(Debug, Default)]
pub struct Change {
    pub mode: Option<NotificationMode>,
    pub email: Option<Email>,
}

pub async fn show(state: &App, account: AccountId) -> Result<Preferences, StoreError> {
    Ok(notification_settings::recipient(&state.db, account)
        .await?
        .into())
}

pub async fn change(
    state: &App,
    account: AccountId,
    change: Change,
) -> Result<Preferences, PreferencesError> {
    let now = notification_settings::recipient(&state.db, account).await?;
    let mut tx = state.db.begin().await?;
    if let Some(mode) = change.mode {
        notification_settings::set_mode(&mut tx, account, mode).await?;
    }
    if let Some(email) = change.email {
        if now.kind != AccountKind::Citizen {
            return Err(PreferencesError::invalid(
                "email",
                "invalid.notifications.staff_email",
            ));
        }
        let current = now.email.as_deref().filter(|_| now.email_confirmed);
        if current.is_some_and(|c| c.eq_ignore_ascii_case(email.as_str())) {
            notification_settings::clear_pending_email(&mut tx, account).await?;
        } else {
            notification_settings::set_pending_email(&mut tx, account, email.as_str()).await?;
            let confirmation = NewMessage {
                recipient: account,
                case_id: None,
                event: NoticeEvent::AddressConfirmation,
                detail: None,
                dedupe_key: None,
            };
            write(state, &mut tx, &[confirmation]).await?;
        }
    }
    tx.commit().await?;
    Ok(show(state, account).await?)
}

/// Follows a confirmation link: the pending address it was made for becomes the account's.
pub async fn confirm(state: &App, token: &str) -> Result<(), PreferencesError> {
    let token = ConfirmToken::parse(token).ok_or(PreferencesError::NotFound)?;
    let recipient = match notification_settings::recipient(&state.db, token.account).await {
        Ok(recipient) => recipient,
        Err(StoreError::NotFound) => return Err(PreferencesError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let pending = recipient.pending_email.ok_or(PreferencesError::NotFound)?;
    if !token.verify(&state.keys, &pending, state.clock.now()) {
        return Err(PreferencesError::NotFound);
    }
    let done = notification_settings::confirm_pending_email(
        &state.db,
        token.account,
        &pending,
        state.clock.now(),
    )
    .await?;
    if !done {
        return Err(PreferencesError::NotFound);
    }
    tracing::info!(account = %token.account, "notification address confirmed");
    Ok(())
}

/// Whether an unsubscribe token verifies (the page asks before it changes anything).
pub fn unsubscribe_account(state: &App, token: &str) -> Result<AccountId, PreferencesError> {
    links::verify_unsubscribe(&state.keys, token).ok_or(PreferencesError::NotFound)
}

/// Follows a one-click unsubscribe: mail is turned off.
pub async fn unsubscribe(state: &App, token: &str) -> Result<(), PreferencesError> {
    let account = unsubscribe_account(state, token)?;
    let mut tx = state.db.begin().await?;
    notification_settings::set_mode(&mut tx, account, NotificationMode::Off).await?;
    tx.commit().await?;
    tracing::info!(account = %account, "notifications turned off by the unsubscribe link");
    Ok(())
}
