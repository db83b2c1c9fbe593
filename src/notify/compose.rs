//! The e-mail for one outbox message: subject, plain text and HTML from the templates in
//! `templates/mail/` (embedded at compile time) with the sentences of `i18n/`, in the
//! recipient's language. It says only that something changed in "a case you take part in" and
//! links to the case page (a digest: the list of cases; an address to confirm: its link): no
//! names, no CPR, no titles, no attachment. The headers mark it as automatic
//! (`Auto-Submitted`) and point `List-Unsubscribe` at the recipient's signed one-click link
//! (RFC 8058), which a `POST` with `List-Unsubscribe=One-Click` follows without a session.

use crate::config::mail::MailSettings;
use crate::domain::ids::MessageId;
use crate::domain::notice_event::NoticeEvent;
use crate::i18n::{Catalogue, Lang, catalogue};
use askama::Template;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

/// Where the notification settings page is, relative to the public URL.
pub const SETTINGS_PATH: &str = "/me/notifications";

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("address not usable: {0}")]
    Address(String),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error("message: {0}")]
    Build(#[from] lettre::error::Error),
}

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct TextBody<'a> {
    t: &'static Catalogue,
    body: &'a str,
    access: Option<&'a str>,
    open: &'a str,
    link: &'a str,
    settings_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct HtmlBody<'a> {
    t: &'static Catalogue,
    lang: &'a str,
    subject: &'a str,
    body: &'a str,
    access: Option<&'a str>,
    open: &'a str,
    open_button: &'a str,
    link: &'a str,
    settings_url: &'a str,
}

/// What one message is about, and for whom.
pub struct Notice<'a> {
    pub id: MessageId,
    pub event: NoticeEvent,
    /// `read` or `write` for the access events; the counts of a digest.
    pub detail: Option<&'a str>,
    pub to: &'a str,
    pub lang: Lang,
    /// Where the message leads: the case page, the list of cases, or the confirmation link.
    pub link: String,
    /// The recipient's signed one-click unsubscribe link.
    pub unsubscribe_url: String,
}

/// The message's stable `Message-ID`: the outbox row's id at the public host, so a resend after
/// a crash carries the same one.
pub fn message_id(id: MessageId, public_url: &url::Url) -> String {
    format!(
        "<{id}@{}>",
        public_url.host_str().unwrap_or("vejviser.invalid")
    )
}

pub fn compose(
    settings: &MailSettings,
    public_url: &url::Url,
    notice: &Notice<'_>,
) -> Result<Message, ComposeError> {
    let t = catalogue(notice.lang);
    let base = public_url.as_str().trim_end_matches('/');
    let settings_url = format!("{base}{SETTINGS_PATH}");
    let subject = t.get(subject_key(notice.event));
    let body = body(t, notice);
    let access = notice.detail.and_then(access_key).map(|key| t.get(key));
    let (open, open_button) = open_keys(notice.event);
    let text = TextBody {
        t,
        body: &body,
        access,
        open: t.get(open),
        link: &notice.link,
        settings_url: &settings_url,
    }
    .render()?;
    let html = HtmlBody {
        t,
        lang: notice.lang.code(),
        subject,
        body: &body,
        access,
        open: t.get(open),
        open_button: t.get(open_button),
        link: &notice.link,
        settings_url: &settings_url,
    }
    .render()?;
    let mailbox = |text: &str| {
        text.parse::<Mailbox>()
            .map_err(|e| ComposeError::Address(e.to_string()))
    };
    let from = mailbox(&settings.from)?;
    let reply_to = mailbox(settings.reply_to.as_deref().unwrap_or(&settings.from))?;
    let header = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    Ok(Message::builder()
        .from(from)
        .reply_to(reply_to)
        .to(mailbox(notice.to)?)
        .subject(subject)
        .message_id(Some(message_id(notice.id, public_url)))
        .raw_header(header("Auto-Submitted", "auto-generated".into()))
        .raw_header(header("X-Auto-Response-Suppress", "All".into()))
        .raw_header(header(
            "List-Unsubscribe",
            format!("<{}>", notice.unsubscribe_url),
        ))
        .raw_header(header(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click".into(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))?)
}

/// The body sentence; a digest's has its counts filled in.
fn body(t: &Catalogue, notice: &Notice<'_>) -> String {
    let sentence = t.get(body_key(notice.event));
    match notice.detail.and_then(super::digest::counts) {
        Some((changes, cases)) if notice.event == NoticeEvent::Digest => sentence
            .replace("{changes}", &changes.to_string())
            .replace("{cases}", &cases.to_string()),
        _ => sentence.to_owned(),
    }
}

/// The sentence before the link, and the button's text.
fn open_keys(event: NoticeEvent) -> (&'static str, &'static str) {
    match event {
        NoticeEvent::Digest => ("mail.open_cases", "mail.open_cases_button"),
        NoticeEvent::AddressConfirmation => ("mail.open_confirm", "mail.open_confirm_button"),
        NoticeEvent::OutsiderAccess => ("mail.open_access_log", "mail.open_access_log_button"),
        _ => ("mail.open", "mail.open_button"),
    }
}

fn subject_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::DocumentAdded => "mail.subject.document_added",
        NoticeEvent::DocumentVersion => "mail.subject.document_version",
        NoticeEvent::ParticipantAdded => "mail.subject.participant_added",
        NoticeEvent::AccessChanged => "mail.subject.access_changed",
        NoticeEvent::ConsentGiven => "mail.subject.consent_given",
        NoticeEvent::ConsentWithdrawn => "mail.subject.consent_withdrawn",
        NoticeEvent::ConsentMissing => "mail.subject.consent_missing",
        NoticeEvent::TurningEighteen => "mail.subject.turning_eighteen",
        NoticeEvent::ConsentExpired => "mail.subject.consent_expired",
        NoticeEvent::OutsiderAccess => "mail.subject.outsider_access",
        NoticeEvent::AccessReviewDue => "mail.subject.access_review_due",
        NoticeEvent::Digest => "mail.subject.digest",
        NoticeEvent::AddressConfirmation => "mail.subject.address_confirmation",
    }
}

fn body_key(event: NoticeEvent) -> &'static str {
    match event {
        NoticeEvent::DocumentAdded => "mail.body.document_added",
        NoticeEvent::DocumentVersion => "mail.body.document_version",
        NoticeEvent::ParticipantAdded => "mail.body.participant_added",
        NoticeEvent::AccessChanged => "mail.body.access_changed",
        NoticeEvent::ConsentGiven => "mail.body.consent_given",
        NoticeEvent::ConsentWithdrawn => "mail.body.consent_withdrawn",
        NoticeEvent::ConsentMissing => "mail.body.consent_missing",
        NoticeEvent::TurningEighteen => "mail.body.turning_eighteen",
        NoticeEvent::ConsentExpired => "mail.body.consent_expired",
        NoticeEvent::OutsiderAccess => "mail.body.outsider_access",
        NoticeEvent::AccessReviewDue => "mail.body.access_review_due",
        NoticeEvent::Digest => "mail.body.digest",
        NoticeEvent::AddressConfirmation => "mail.body.address_confirmation",
    }
}

fn access_key(detail: &str) -> Option<&'static str> {
    match detail {
        "read" => Some("mail.access.read"),
        "write" => Some("mail.access.write"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::{Format, Toml};

    fn settings() -> crate::config::Settings {
        crate::config::Settings::load_with(
            crate::config::Profile::Development,
            None,
            Toml::string(""),
        )
        .expect("defaults load")
    }

    #[test]
    fn every_event_has_its_sentences_in_both_languages() {
        for lang in [Lang::Da, Lang::En] {
            for event in NoticeEvent::ALL {
                assert!(catalogue(lang).has(subject_key(*event)), "{event} {lang:?}");
                assert!(catalogue(lang).has(body_key(*event)), "{event} {lang:?}");
            }
            for (open, button) in NoticeEvent::ALL.iter().map(|e| open_keys(*e)) {
                assert!(catalogue(lang).has(open) && catalogue(lang).has(button));
            }
            assert!(catalogue(lang).has("mail.access.read"));
            assert!(catalogue(lang).has("mail.access.write"));
        }
    }

    #[test]
    fn a_message_links_the_case_and_the_settings_and_names_nobody() {
        let settings = settings();
        let url = url::Url::parse("https://vejviser.kommune.dk").unwrap();
        let id = MessageId::new();
        let case_id = crate::domain::ids::CaseId::new();
        let notice = Notice {
            id,
            event: NoticeEvent::ParticipantAdded,
            detail: Some("write"),
            to: "someone@example.dk",
            lang: Lang::En,
            link: format!("https://vejviser.kommune.dk/cases/{case_id}"),
            unsubscribe_url: "https://vejviser.kommune.dk/me/notifications/unsubscribe/t0k".into(),
        };
        let raw =
            String::from_utf8(compose(&settings.mail, &url, &notice).unwrap().formatted()).unwrap();
        assert!(raw.contains(&format!("Message-ID: <{id}@vejviser.kommune.dk>")));
        assert!(raw.contains("Subject: You have joined a case in vejviser"));
        assert!(raw.contains("Auto-Submitted: auto-generated"));
        assert!(raw.contains(
            "List-Unsubscribe: <https://vejviser.kommune.dk/me/notifications/unsubscribe/t0k>"
        ));
        assert!(raw.contains("https://vejviser.kommune.dk/me/notifications\r\n"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains(&format!("https://vejviser.kommune.dk/cases/{case_id}")));
        assert!(raw.contains("read and add the case's documents"));
        assert!(raw.contains("To: someone@example.dk"));
    }

    #[test]
    fn a_digest_counts_changes_and_cases_and_links_the_list() {
        let settings = settings();
        let url = url::Url::parse("https://vejviser.kommune.dk").unwrap();
        let notice = Notice {
            id: MessageId::new(),
            event: NoticeEvent::Digest,
            detail: Some("5 2"),
            to: "someone@example.dk",
            lang: Lang::En,
            link: "https://vejviser.kommune.dk/cases".into(),
            unsubscribe_url: "https://vejviser.kommune.dk/me/notifications/unsubscribe/t".into(),
        };
        let email = compose(&settings.mail, &url, &notice).unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        assert!(raw.contains("5 document changes in 2 cases"), "{raw}");
        assert!(
            raw.contains("https://vejviser.kommune.dk/cases\r\n"),
            "{raw}"
        );
    }
}
