//! Why a login failed. Each variant is logged (without tokens, codes or CPR) and shown to the
//! person as a page; none creates a session.

use crate::domain::ids::{AccountId, MunicipalityId};

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("no such login provider")]
    UnknownProvider,
    #[error("provider configuration: {0}")]
    Configuration(String),
    #[error("discovery failed: {0}")]
    Discovery(String),
    #[error("the login flow is missing, expired or already used")]
    NoFlow,
    #[error("the state parameter is missing or does not match")]
    StateMismatch,
    #[error("the iss response parameter names another issuer")]
    IssuerMismatch,
    #[error("the provider answered with an error: {0}")]
    ProviderError(String),
    #[error("the authorization code was not accepted: {0}")]
    TokenExchange(String),
    #[error("the token response has no ID token")]
    NoIdToken,
    #[error("the ID token is not valid: {0}")]
    InvalidIdToken(String),
    #[error("userinfo failed: {0}")]
    Userinfo(String),
    /// The configured claim name (not a generic one), so the operator knows what to release.
    #[error("a required claim is missing: {0}")]
    MissingClaim(String),
    #[error("a claim is malformed: {0}")]
    MalformedClaim(String),
    /// The configured claim and the value that arrived (a level, never a person's data).
    #[error("the assurance level is too low or unknown: {claim} = {}", .value.as_deref().unwrap_or("(none)"))]
    AssuranceTooLow {
        claim: String,
        value: Option<String>,
    },
    #[error("no staff account matches this login")]
    UnknownStaff,
    /// A staff login without the configured e-mail claim: nothing to find the staff member by.
    #[error("the staff login carries no e-mail claim ({claim})")]
    NoEmailClaim { claim: String },
    /// The provider did not vouch for the e-mail (the configured `email_verified` claim is not
    /// `true`): an address alone must not open a staff account.
    #[error("the e-mail is not verified by the provider (claim {claim})")]
    EmailNotVerified {
        claim: String,
        municipality: MunicipalityId,
    },
    /// The staff account is already linked to another subject of this provider: a reused login
    /// name or a second account at the provider must not reach it.
    #[error("the staff account is already linked to another subject of this provider")]
    SecondSubject {
        municipality: MunicipalityId,
        account: AccountId,
    },
    #[error("the account is deactivated")]
    Deactivated,
    #[error("storage failed: {0}")]
    Store(#[from] crate::store::StoreError),
}

impl LoginError {
    /// Where the refusal belongs in the access log: the municipality whose admins should see it,
    /// and the account it was aimed at. `None` for refusals outside any municipality.
    pub fn placed(&self) -> Option<(MunicipalityId, Option<AccountId>)> {
        match self {
            Self::EmailNotVerified { municipality, .. } => Some((*municipality, None)),
            Self::SecondSubject {
                municipality,
                account,
            } => Some((*municipality, Some(*account))),
            _ => None,
        }
    }

    /// A short code for logs and for choosing the page shown.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown_provider",
            Self::Configuration(_) => "configuration",
            Self::Discovery(_) => "discovery",
            Self::NoFlow => "no_flow",
            Self::StateMismatch => "state_mismatch",
            Self::IssuerMismatch => "issuer_mismatch",
            Self::ProviderError(_) => "provider_error",
            Self::TokenExchange(_) => "token_exchange",
            Self::NoIdToken => "no_id_token",
            Self::InvalidIdToken(_) => "invalid_id_token",
            Self::Userinfo(_) => "userinfo",
            Self::MissingClaim(_) => "missing_claim",
            Self::MalformedClaim(_) => "malformed_claim",
            Self::AssuranceTooLow { .. } => "assurance_too_low",
            Self::UnknownStaff => "unknown_staff",
            Self::NoEmailClaim { .. } => "no_email_claim",
            Self::EmailNotVerified { .. } => "email_not_verified",
            Self::SecondSubject { .. } => "second_subject",
            Self::Deactivated => "deactivated",
            Self::Store(_) => "store",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the operator reads in the log names the configured claim and what arrived.
    #[test]
    fn refusals_name_the_claim_and_the_value() {
        let too_low = LoginError::AssuranceTooLow {
            claim: "loa".into(),
            value: Some("https://data.gov.dk/concept/core/nsis/loa/Low".into()),
        };
        assert_eq!(
            too_low.to_string(),
            "the assurance level is too low or unknown: loa = https://data.gov.dk/concept/core/nsis/loa/Low"
        );
        let none = LoginError::AssuranceTooLow {
            claim: "acr".into(),
            value: None,
        };
        assert!(none.to_string().ends_with("acr = (none)"));
        let missing = LoginError::MissingClaim("cprNumberIdentifier".into());
        assert!(missing.to_string().contains("cprNumberIdentifier"));
        let no_email = LoginError::NoEmailClaim {
            claim: "upn".into(),
        };
        assert!(no_email.to_string().contains("(upn)"));
        assert_ne!(no_email.code(), LoginError::UnknownStaff.code());
    }
}
