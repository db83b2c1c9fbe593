//! The error of every closed vocabulary (`Role`, `Access`, ...): a word that is not one of its
//! values. Raised where stored or configured text is read back, so it names the vocabulary.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a known {vocabulary}; choose among {}", .choices.join(", "))]
pub struct UnknownValue {
    pub vocabulary: &'static str,
    pub value: String,
    pub choices: &'static [&'static str],
}

impl UnknownValue {
    pub fn new(vocabulary: &'static str, value: &str, choices: &'static [&'static str]) -> Self {
        Self {
            vocabulary,
            choices,
            // Stored words are short; a long or strange one is cut, not copied whole into logs.
            value: value.chars().take(40).filter(|c| !c.is_control()).collect(),
        }
    }
}

/// A closed vocabulary whose values are written as `as_str` and read back with `FromStr`,
/// declared once: `words!(Role, "role", { Professional => "professional", ... })`.
macro_rules! words {
    ($type:ident, $vocabulary:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in declaration order.
            pub const ALL: &'static [$type] = &[$($type::$variant),+];

            /// Every value's word, in declaration order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// The word stored, sent and configured for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($type::$variant => $word),+
                }
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::domain::unknown_value::UnknownValue;

            fn from_str(word: &str) -> Result<Self, Self::Err> {
                match word {
                    $($word => Ok($type::$variant),)+
                    other => Err($crate::domain::unknown_value::UnknownValue::new(
                        $vocabulary,
                        other,
                        Self::WORDS,
                    )),
                }
            }
        }

        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use words;
