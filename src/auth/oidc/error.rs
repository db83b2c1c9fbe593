//! Why a login failed. Each variant is logged (without tokens, codes or CPR) and shown to the
//! person as a page; none creates a session.

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
    #[error("a required claim is missing: {0}")]
    MissingClaim(&'static str),
    #[error("a claim is malformed: {0}")]
    MalformedClaim(&'static str),
    #[error("the assurance level is too low or unknown")]
    AssuranceTooLow,
    #[error("no staff account matches this login")]
    UnknownStaff,
    #[error("the account is deactivated")]
    Deactivated,
    #[error("storage failed: {0}")]
    Store(#[from] crate::store::StoreError),
}

impl LoginError {
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
            Self::AssuranceTooLow => "assurance_too_low",
            Self::UnknownStaff => "unknown_staff",
            Self::Deactivated => "deactivated",
            Self::Store(_) => "store",
        }
    }
}
