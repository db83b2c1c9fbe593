//! Every answer an error can give names sentences both catalogues have, with every `{placeholder}`
//! filled: for each reason, each error variant, each domain error, and each key in the source.

use super::*;
use crate::blobs::BlobError;
use crate::cases::CaseError;
use crate::documents::DocumentError;
use crate::domain::cpr::CprError;
use crate::domain::department::UnknownDepartment;
use crate::domain::email::Email;
use crate::domain::file_type::FileType;
use crate::domain::municipality_code::InvalidMunicipalityCode;
use crate::domain::person_name::InvalidName;
use crate::policy::{Missing, Reason};
use crate::store::StoreError;

const LANGS: [Lang; 2] = [Lang::Da, Lang::En];

/// Every reason; the match stops the build when a reason is added without being listed here.
fn every_reason() -> Vec<Reason> {
    let all = vec![
        Reason::NotFound,
        Reason::StaffOnly,
        Reason::CoordinatorOnly,
        Reason::AdminOnly,
        Reason::OwnAccount,
        Reason::AdminNoDocuments,
        Reason::AssuranceTooLow,
        Reason::ParentAccessEnded,
        Reason::AwaitingConsent(vec![Missing::ConsentYoungPerson]),
        Reason::AwaitingConsent(vec![Missing::ConsentCustodyHolder {
            participant_id: None,
        }]),
        Reason::AwaitingConsent(vec![
            Missing::ConsentYoungPerson,
            Missing::ConsentCustodyHolder {
                participant_id: None,
            },
        ]),
        Reason::OutsideConsentScope,
        Reason::ReadOnly,
        Reason::CaseClosed,
        Reason::NotAConsenter,
        Reason::MayNotCreateCases,
        Reason::SelfHandOver,
        Reason::SelfParticipant,
        Reason::OwnAccess,
        Reason::OwnIdentity,
        Reason::SelfGrant,
    ];
    for reason in &all {
        match reason {
            Reason::NotFound
            | Reason::StaffOnly
            | Reason::CoordinatorOnly
            | Reason::AdminOnly
            | Reason::OwnAccount
            | Reason::AdminNoDocuments
            | Reason::AssuranceTooLow
            | Reason::ParentAccessEnded
            | Reason::AwaitingConsent(_)
            | Reason::OutsideConsentScope
            | Reason::ReadOnly
            | Reason::CaseClosed
            | Reason::NotAConsenter
            | Reason::MayNotCreateCases
            | Reason::SelfHandOver
            | Reason::SelfParticipant
            | Reason::OwnAccess
            | Reason::OwnIdentity
            | Reason::SelfGrant => {}
        }
    }
    all
}

fn every_fragment() -> Vec<Box<dyn Fragment>> {
    vec![
        Box::new(CprError::Format),
        Box::new(CprError::Date),
        Box::new(InvalidName::Empty),
        Box::new(InvalidName::TooLong),
        Box::new(InvalidName::Control),
        Box::new(Email::parse("anne").unwrap_err()),
        Box::new(UnknownDepartment("uncle".into())),
        Box::new(InvalidMunicipalityCode),
    ]
}

/// One of every error variant; the matches stop the build when a variant is added unlisted.
fn every_answer() -> Vec<Answer> {
    let mut cases: Vec<CaseError> = every_reason().into_iter().map(CaseError::Denied).collect();
    cases.push(CaseError::rejected("cpr", &CprError::Format));
    cases.push(CaseError::conflict("conflict.case_exists"));
    cases.push(CaseError::HeldElsewhere(
        crate::domain::department::Department::Adult,
    ));
    cases.push(CaseError::Store(StoreError::Conflict("version")));
    cases.push(CaseError::Seal(crate::crypto::seal::SealError::Open));
    for e in &cases {
        match e {
            CaseError::Denied(_)
            | CaseError::Invalid { .. }
            | CaseError::Conflict(_)
            | CaseError::HeldElsewhere(_)
            | CaseError::Store(_)
            | CaseError::Seal(_) => {}
        }
    }
    let documents = vec![
        DocumentError::TooLarge { max: 100 << 20 },
        DocumentError::UnsupportedType {
            found: "unknown".into(),
            allowed: vec![FileType::Pdf, FileType::Text],
            familiar: None,
        },
        DocumentError::TooLarge { max: 1 }.naming_file("plan.pdf"),
        DocumentError::NotAsSniffed {
            found: FileType::Text,
            mismatch: crate::documents::content_check::Mismatch::NotText,
        },
        DocumentError::Stale { current: 3 },
        DocumentError::PreconditionRequired,
        DocumentError::Interrupted("cut".into()),
        DocumentError::Blob(BlobError::NotFound),
        DocumentError::Blob(BlobError::Unavailable("PutObject: refused".into())),
        DocumentError::Store(StoreError::NotFound),
        DocumentError::Store(StoreError::Database(sqlx::Error::PoolTimedOut)),
    ];
    for e in &documents {
        match e {
            DocumentError::Case(_)
            | DocumentError::TooLarge { .. }
            | DocumentError::UnsupportedType { .. }
            | DocumentError::NotAsSniffed { .. }
            | DocumentError::Named { .. }
            | DocumentError::Stale { .. }
            | DocumentError::PreconditionRequired
            | DocumentError::Interrupted(_)
            | DocumentError::Blob(_)
            | DocumentError::Key(_)
            | DocumentError::Stream(_)
            | DocumentError::Download(_)
            | DocumentError::Store(_) => {}
        }
    }
    let stores = [
        StoreError::NotFound,
        StoreError::Conflict("a municipality"),
        StoreError::Corrupt("x".into()),
    ];
    let mut answers: Vec<Answer> = cases.iter().map(UserError::answer).collect();
    answers.extend(documents.iter().map(UserError::answer));
    answers.extend(stores.iter().map(UserError::answer));
    answers.extend(every_fragment().iter().map(|f| {
        let mut answer = Answer::invalid("field", f.key());
        answer.args = f.args();
        answer
    }));
    answers
}

fn assert_complete(key: &str, text: &str) {
    for lang in LANGS {
        assert!(catalogue(lang).has(key), "{key} is missing in {lang:?}");
    }
    assert!(!text.contains('{'), "{key} leaves a placeholder: {text}");
}

#[test]
fn every_answer_has_both_sentences_with_every_placeholder_filled() {
    for answer in every_answer() {
        for lang in LANGS {
            assert_complete(answer.key, &answer.sentence(lang));
            assert_complete(
                answer.page_key.unwrap_or(answer.key),
                &answer.page_sentence(lang),
            );
        }
        assert_complete(answer.key, &answer.detail());
    }
}

#[test]
fn every_fragment_is_the_errors_display() {
    for fragment in every_fragment() {
        assert!(!english(fragment.as_ref()).contains('{'));
    }
    assert_eq!(
        CprError::Date.to_string(),
        "the first six digits of the CPR number are not a real date"
    );
}

#[test]
fn a_field_answers_field_colon_fragment_in_english_and_a_sentence_in_danish() {
    let answer = CaseError::rejected("young_person.cpr", &CprError::Format).answer();
    assert_eq!(answer.kind, ErrorKind::Invalid);
    assert_eq!(
        answer.detail(),
        "young_person.cpr: a CPR number has 10 digits, written DDMMYYSSSS or DDMMYY-SSSS."
    );
    assert_eq!(
        answer.sentence(Lang::Da),
        "Et CPR-nummer har 10 cifre, skrevet DDMMÅÅSSSS eller DDMMÅÅ-SSSS."
    );
    let denied = CaseError::Denied(Reason::CoordinatorOnly).answer();
    assert_eq!(denied.kind, ErrorKind::Forbidden);
    assert_eq!(
        denied.sentence(Lang::Da),
        "Kun sagens koordinator kan gøre dette."
    );
    assert_eq!(
        CaseError::Denied(Reason::NotFound).answer().kind,
        ErrorKind::NotFound
    );
}

#[test]
fn a_page_says_some_things_its_own_way() {
    let stale = DocumentError::Stale { current: 2 }.answer();
    assert!(
        stale
            .page_sentence(Lang::Da)
            .contains("nyere version (version 2)")
    );
    let too_large = DocumentError::TooLarge { max: 100 << 20 }.answer();
    assert_eq!(
        too_large.detail(),
        "The file is larger than the 100 MiB allowed."
    );
    assert!(too_large.page_sentence(Lang::Da).contains("de 100 MB"));
}

/// A refused file is named on the page, with the way out for the kinds people often have; the
/// API's problem stays the same.
#[test]
fn a_page_names_the_refused_file_and_what_to_do() {
    use crate::documents::sniff::Familiar;
    let refused = |familiar| DocumentError::UnsupportedType {
        found: "unknown".into(),
        allowed: vec![FileType::Pdf, FileType::Jpeg],
        familiar,
    };
    let photo = refused(Some(Familiar::IphonePhoto)).naming_file("IMG_0042.HEIC");
    let text = photo.answer().page_sentence(Lang::Da);
    assert!(text.contains("«IMG_0042.HEIC»"), "{text}");
    assert!(text.contains("JPEG"), "{text}");
    assert_eq!(photo.answer().code, "unsupported-media-type");
    assert_eq!(
        photo.answer().detail(),
        refused(Some(Familiar::IphonePhoto)).answer().detail()
    );
    let word = refused(Some(Familiar::OldOffice)).naming_file("Plan.doc");
    assert!(word.answer().page_sentence(Lang::Da).contains(".docx"));
    let sheet = refused(Some(Familiar::OldOffice)).naming_file("Budget.XLS");
    assert!(sheet.answer().page_sentence(Lang::En).contains(".xlsx"));
    let big = DocumentError::TooLarge { max: 100 << 20 }.naming_file("video.pdf");
    assert!(
        big.answer()
            .page_sentence(Lang::Da)
            .contains("«video.pdf» er større end de 100 MB")
    );
    let long = format!("{}.pdf", "a".repeat(300));
    let named = DocumentError::TooLarge { max: 1 }.naming_file(&long);
    let shown = named.answer().page_sentence(Lang::Da);
    assert!(shown.contains("…") && shown.contains("aaa.pdf»"), "{shown}");
    // Not a refusal of the file: unchanged.
    assert!(matches!(
        DocumentError::Stale { current: 2 }.naming_file("x.pdf"),
        DocumentError::Stale { .. }
    ));
}

/// Every literal key an error names in the source exists in both catalogues, and a key used
/// without arguments has no placeholder; `invalid_with` passes every placeholder its key has.
#[test]
fn every_key_the_source_names_exists_and_is_filled() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for path in rust_files(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        for prefix in [
            "invalid.",
            "conflict.",
            "reason.",
            "missing.",
            "error.",
            "doc_error.",
        ] {
            for part in text.split(&format!("\"{prefix}")).skip(1) {
                let rest = part.split('"').next().unwrap();
                if rest.is_empty()
                    || !rest
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || "._".contains(c))
                {
                    continue;
                }
                let key = format!("{prefix}{rest}");
                for lang in LANGS {
                    assert!(
                        catalogue(lang).has(&key),
                        "{}: {key} missing in {lang:?}",
                        path.display()
                    );
                }
                checked += 1;
            }
        }
        for call in text.split("invalid(").skip(1) {
            let Some(key) = quoted_key(call.split(')').next().unwrap()) else {
                continue;
            };
            for lang in LANGS {
                let sentence = catalogue(lang).get(&key);
                assert!(
                    !sentence.contains('{'),
                    "{}: {key} needs arguments",
                    path.display()
                );
            }
        }
        for call in text.split("invalid_with(").skip(1) {
            let call = call.split("])").next().unwrap();
            let Some(key) = quoted_key(call) else {
                continue;
            };
            for lang in LANGS {
                for placeholder in catalogue(lang).get(&key).split('{').skip(1) {
                    let name = placeholder.split('}').next().unwrap();
                    assert!(
                        call.contains(&format!("(\"{name}\"")),
                        "{}: {key} needs {name}",
                        path.display()
                    );
                }
            }
        }
    }
    assert!(checked > 40, "the source names its keys ({checked})");
}

/// The catalogue key a call names.
fn quoted_key(call: &str) -> Option<String> {
    call.split('"')
        .skip(1)
        .step_by(2)
        .find(|s| s.starts_with("invalid."))
        .map(str::to_owned)
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_chain_names_every_cause_once() {
    let io = std::io::Error::other("disk full");
    let err = DocumentError::Blob(BlobError::Io(io));
    assert_eq!(chain(&err), "blob store I/O: disk full");
    let err = CaseError::Seal(crate::crypto::seal::SealError::Open);
    assert_eq!(
        chain(&err),
        "sealing failed: sealed value does not open (wrong key, purpose, or tampered)"
    );
}
