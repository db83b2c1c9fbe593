//! The signed links in a message, which work without a session: the one-click unsubscribe
//! (RFC 8058), and the link that confirms an address. Each is an HMAC-SHA256 (ring) under a
//! key derived with HKDF from the active master key, like the other derived keys; a link that
//! does not verify changes nothing. An unsubscribe link does not expire (it must work from an
//! old message); a confirmation link does, and is bound to the address it confirms, so a link
//! for an address typed earlier confirms nothing once another was typed. After the master key
//! is rotated, links in older messages no longer verify (the settings page still works).

use crate::crypto::master_keys::MasterKeyRing;
use crate::domain::ids::AccountId;
use ring::hkdf::{HKDF_SHA256, Salt};
use ring::hmac;
use time::OffsetDateTime;

const SALT: &[u8] = b"vejviser mail links";
const INFO: &[u8] = b"v1";
/// 128 bits of the MAC are kept: plenty against guessing, short enough for a link.
const MAC_BYTES: usize = 16;

fn key(keys: &MasterKeyRing) -> hmac::Key {
    let prk = Salt::new(HKDF_SHA256, SALT).extract(keys.active().bytes());
    prk.expand(&[INFO], hmac::HMAC_SHA256)
        .expect("32 bytes is within HKDF-SHA256's output limit")
        .into()
}

fn mac(keys: &MasterKeyRing, parts: &[&str]) -> String {
    let mut context = hmac::Context::with_key(&key(keys));
    for part in parts {
        context.update(part.as_bytes());
        context.update(&[0]);
    }
    hex::encode(&context.sign().as_ref()[..MAC_BYTES])
}

fn same(a: &str, b: &str) -> bool {
    // Constant time, so a MAC cannot be found byte by byte.
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The token of `account`'s unsubscribe link.
pub fn unsubscribe_token(keys: &MasterKeyRing, account: AccountId) -> String {
    let id = account.to_string();
    format!("{id}.{}", mac(keys, &["unsubscribe", &id]))
}

/// The account an unsubscribe token is for, if it verifies.
pub fn verify_unsubscribe(keys: &MasterKeyRing, token: &str) -> Option<AccountId> {
    let (id, given) = token.split_once('.')?;
    let account = AccountId::parse(id).ok()?;
    same(given, &mac(keys, &["unsubscribe", &account.to_string()])).then_some(account)
}

/// The token of the link that confirms `address` for `account`, valid until `expires`.
pub fn confirm_token(
    keys: &MasterKeyRing,
    account: AccountId,
    address: &str,
    expires: OffsetDateTime,
) -> String {
    let id = account.to_string();
    let until = expires.unix_timestamp().to_string();
    let mac = mac(keys, &["confirm", &id, &until, &address.to_lowercase()]);
    format!("{id}.{until}.{mac}")
}

/// A confirmation token read apart; `verify` checks it against the address it must confirm.
pub struct ConfirmToken<'a> {
    pub account: AccountId,
    expires: i64,
    until: &'a str,
    mac: &'a str,
}

impl<'a> ConfirmToken<'a> {
    pub fn parse(token: &'a str) -> Option<Self> {
        let mut parts = token.split('.');
        let account = AccountId::parse(parts.next()?).ok()?;
        let until = parts.next()?;
        let mac = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self {
            account,
            expires: until.parse().ok()?,
            until,
            mac,
        })
    }

    /// Whether the token was made for `address` and has not expired at `now`.
    pub fn verify(&self, keys: &MasterKeyRing, address: &str, now: OffsetDateTime) -> bool {
        let id = self.account.to_string();
        let expected = mac(keys, &["confirm", &id, self.until, &address.to_lowercase()]);
        same(self.mac, &expected) && now.unix_timestamp() <= self.expires
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CryptoSettings;
    use time::macros::datetime;

    fn ring(dir: &std::path::Path) -> MasterKeyRing {
        let settings = CryptoSettings {
            active_master_key: None,
            master_keys: Default::default(),
            master_keys_file: None,
            generate_dev_master_key: true,
            lookup_key: None,
        };
        MasterKeyRing::load(&settings, dir).expect("a development key")
    }

    #[test]
    fn unsubscribe_tokens_verify_and_forgeries_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ring(dir.path());
        let account = AccountId::new();
        let token = unsubscribe_token(&keys, account);
        assert_eq!(verify_unsubscribe(&keys, &token), Some(account));
        let other = AccountId::new();
        let (_, mac) = token.split_once('.').unwrap();
        assert_eq!(verify_unsubscribe(&keys, &format!("{other}.{mac}")), None);
        let mut flipped = token.clone();
        let last = if flipped.ends_with('0') { '1' } else { '0' };
        flipped.pop();
        flipped.push(last);
        assert_eq!(verify_unsubscribe(&keys, &flipped), None);
        assert_eq!(verify_unsubscribe(&keys, "nonsense"), None);
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(verify_unsubscribe(&ring(elsewhere.path()), &token), None);
    }

    #[test]
    fn confirm_tokens_are_bound_to_the_address_and_expire() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ring(dir.path());
        let account = AccountId::new();
        let expires = datetime!(2026-05-02 12:00 UTC);
        let token = confirm_token(&keys, account, "Ny@Borger.example", expires);
        let parsed = ConfirmToken::parse(&token).unwrap();
        assert_eq!(parsed.account, account);
        assert!(parsed.verify(&keys, "ny@borger.example", datetime!(2026-05-02 11:00 UTC)));
        assert!(!parsed.verify(&keys, "ny@borger.example", datetime!(2026-05-02 12:01 UTC)));
        assert!(!parsed.verify(
            &keys,
            "other@borger.example",
            datetime!(2026-05-01 0:00 UTC)
        ));
        let later = token.replace(&expires.unix_timestamp().to_string(), "9999999999");
        let forged = ConfirmToken::parse(&later).unwrap();
        assert!(!forged.verify(&keys, "ny@borger.example", datetime!(2026-05-01 0:00 UTC)));
        assert!(ConfirmToken::parse("a.b").is_none());
    }
}
