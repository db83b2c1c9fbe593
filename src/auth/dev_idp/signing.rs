//! The development provider's signing key: ECDSA P-256 (ES256), generated with ring on first
//! start and kept under `<data_dir>/dev-idp`, published as a JWK, used to sign compact JWTs.
//! Hand-written because it is small and ring does the cryptography; no JOSE crate is needed for
//! signing one token type.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use std::path::Path;

pub struct SigningKey {
    pair: EcdsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

impl SigningKey {
    /// Loads the key kept at `path`, or makes and keeps a new one.
    pub fn load_or_generate(path: &Path) -> Result<Self, String> {
        let rng = SystemRandom::new();
        let pkcs8 = if path.exists() {
            std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?
        } else {
            let document = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|_| "cannot generate a signing key".to_owned())?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            crate::crypto::write_private(path, document.as_ref())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            document.as_ref().to_vec()
        };
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
            .map_err(|e| format!("{}: not a P-256 key: {e}", path.display()))?;
        let kid =
            URL_SAFE_NO_PAD.encode(&digest(&SHA256, pair.public_key().as_ref()).as_ref()[..12]);
        Ok(Self { pair, kid, rng })
    }

    /// The public key as a JWK set.
    pub fn jwks(&self) -> Value {
        // An uncompressed P-256 point: 0x04 | X (32 bytes) | Y (32 bytes).
        let point = self.pair.public_key().as_ref();
        json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        }]})
    }

    /// A compact JWS of `claims`, signed ES256.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({ "alg": "ES256", "typ": "JWT", "kid": self.kid });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .pair
            .sign(&self.rng, input.as_bytes())
            .map_err(|_| "signing failed".to_owned())?;
        Ok(format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

    #[test]
    fn signs_tokens_its_jwk_verifies_and_keeps_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.p8");
        let key = SigningKey::load_or_generate(&path).unwrap();
        let token = key.sign(&json!({"sub": "x"})).unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let jwk = &key.jwks()["keys"][0];
        let mut point = vec![4u8];
        point.extend(URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap());
        point.extend(URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap());
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point)
            .verify(
                input.as_bytes(),
                &URL_SAFE_NO_PAD.decode(signature).unwrap(),
            )
            .expect("the published key verifies the signature");
        let again = SigningKey::load_or_generate(&path).unwrap();
        assert_eq!(again.jwks(), key.jwks(), "the key is kept across starts");
    }
}
