//! The people, cases and documents the seeder makes, in the proportions `scale` promises.

use super::cpr::{ADULT, Born, YOUNG, fictitious_cpr};
use super::random::Random;
use super::rows::Chunk;
use super::{CASELOAD, Keys, PROFESSIONALS_PER_CASE, ScaleError, Seeded, sealing};
use crate::crypto::keys::CaseKey;
use crate::crypto::purpose::{LookupPurpose, SealPurpose};
use crate::crypto::seal;
use crate::crypto::stream::DataKey;
use crate::domain::cpr::Cpr;
use crate::domain::department::Department;
use crate::domain::ids::{AccountId, CaseId, DocumentId, MunicipalityId, ParticipantId, VersionId};
use crate::store::Db;
use crate::store::time_text::to_text;
use time::{Duration, OffsetDateTime};

/// A staff member of the chunk's pools.
#[derive(Clone, Copy)]
struct Staff {
    id: AccountId,
    department: Department,
}

pub(super) struct Run<'a> {
    pub(super) random: Random,
    /// Citizens made so far (before this run, and by it): each new one's CPR comes from it.
    pub(super) people: u64,
    pub(super) keys: &'a Keys<'a>,
    pub(super) now: OffsetDateTime,
    pub(super) seeded: Seeded,
}

const PROFESSIONS: [Department; 6] = [
    Department::JobCentre,
    Department::YouthGuidance,
    Department::Adult,
    Department::Placement,
    Department::School,
    Department::Other,
];
const FIRST_NAMES: [&str; 12] = [
    "Sofie", "Mikkel", "Emma", "Oliver", "Ida", "Noah", "Freja", "William", "Clara", "Lucas",
    "Alma", "Magnus",
];
const LAST_NAMES: [&str; 10] = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
];
const KINDS: [(&str, &str); 7] = [
    ("goal_agreement", "Mål og aftaler"),
    ("network_map", "Netværkskort"),
    ("network_overview", "Netværksoverblik"),
    ("intervention_overview", "Indsatsoverblik"),
    ("consent_declaration", "Samtykkeerklæring"),
    ("meeting_checklist", "Tjekliste til mødet"),
    ("other", "Notat"),
];

impl Run<'_> {
    /// `size` cases (the first `demo.2` of them the demo coordinator's), written in one
    /// transaction.
    pub(super) async fn chunk(
        &mut self,
        db: &Db,
        places: &mut [MunicipalityId],
        size: u32,
        demo: Option<(MunicipalityId, AccountId, u32)>,
    ) -> Result<(), ScaleError> {
        let mut rows = Chunk::new();
        // Each case's municipality; the pools are made for the cases each one gets.
        let mut homes: Vec<(MunicipalityId, Option<AccountId>)> = (0..size)
            .map(|i| match demo {
                Some((municipality, coordinator, n)) if i < n => (municipality, Some(coordinator)),
                _ => (
                    places[self.random.below(places.len() as u64) as usize],
                    None,
                ),
            })
            .collect();
        homes.sort_by_key(|(m, _)| m.to_string());
        let mut start = 0;
        while start < homes.len() {
            let municipality = homes[start].0;
            let end = start
                + homes[start..]
                    .iter()
                    .take_while(|(m, _)| *m == municipality)
                    .count();
            let count = u32::try_from(end - start).unwrap_or(u32::MAX);
            let coordinators =
                self.staff_pool(&mut rows, municipality, count.div_ceil(CASELOAD), |_| {
                    Department::ChildrenYouth
                });
            let professionals = self.staff_pool(
                &mut rows,
                municipality,
                count * PROFESSIONALS_PER_CASE,
                |i| PROFESSIONS[i % PROFESSIONS.len()],
            );
            for (_, demo_coordinator) in &homes[start..end] {
                let coordinator = demo_coordinator.unwrap_or_else(|| {
                    coordinators[self.random.below(coordinators.len() as u64) as usize].id
                });
                self.case(&mut rows, municipality, coordinator, &professionals)?;
            }
            start = end;
        }
        rows.write(db).await
    }

    fn staff_pool(
        &mut self,
        rows: &mut Chunk,
        municipality: MunicipalityId,
        count: u32,
        department: impl Fn(usize) -> Department,
    ) -> Vec<Staff> {
        let created = to_text(self.now - Duration::days(800));
        (0..count as usize)
            .map(|i| {
                let staff = Staff {
                    id: AccountId::new(),
                    department: department(i),
                };
                let name = self.name();
                rows.staff.push([
                    staff.id.to_string().into(),
                    "staff".into(),
                    municipality.to_string().into(),
                    name.into(),
                    format!("{}@skala.example", staff.id.uuid().simple()).into(),
                    staff.department.as_str().into(),
                    created.clone().into(),
                    i64::from(staff.department.creates_cases()).into(),
                    created.clone().into(),
                ]);
                self.seeded.staff += 1;
                staff
            })
            .collect()
    }

    fn name(&mut self) -> String {
        let first = FIRST_NAMES[self.random.below(FIRST_NAMES.len() as u64) as usize];
        let last = LAST_NAMES[self.random.below(LAST_NAMES.len() as u64) as usize];
        format!("{first} {last}")
    }

    /// A new citizen of the age range `born`, with a fictitious CPR number no other seeded
    /// citizen has (`fictitious_cpr`).
    fn citizen(&mut self, rows: &mut Chunk, born: Born) -> Result<(AccountId, Cpr), ScaleError> {
        let cpr = fictitious_cpr(self.people, born, self.now.date())?;
        self.people += 1;
        let id = AccountId::new();
        let sealed = seal::seal(
            self.keys.master,
            SealPurpose::AccountCpr,
            cpr.compact().as_bytes(),
        )
        .map_err(sealing)?;
        rows.citizens.push([
            id.to_string().into(),
            "citizen".into(),
            self.name().into(),
            self.keys
                .lookup
                .hash(LookupPurpose::Cpr, &cpr.compact())
                .into(),
            sealed.into(),
            cpr.birth_date().to_string().into(),
            to_text(self.now - Duration::days(400)).into(),
        ]);
        self.seeded.citizens += 1;
        Ok((id, cpr))
    }

    fn case(
        &mut self,
        rows: &mut Chunk,
        municipality: MunicipalityId,
        coordinator: AccountId,
        professionals: &[Staff],
    ) -> Result<(), ScaleError> {
        let today = self.now.date();
        let created = self.now - Duration::days(30 + self.random.below(700) as i64);
        let at = to_text(created);
        let case = CaseId::new();
        let (young, cpr) = self.citizen(rows, YOUNG)?;
        let under_18 = cpr.birth_date() > today - Duration::days(18 * 365 + 4);
        let cpr_sealed = seal::seal(
            self.keys.master,
            SealPurpose::CaseCpr,
            cpr.compact().as_bytes(),
        )
        .map_err(sealing)?;
        rows.cases.push([
            case.to_string().into(),
            municipality.to_string().into(),
            self.name().into(),
            self.keys
                .lookup
                .hash(LookupPurpose::Cpr, &cpr.compact())
                .into(),
            cpr_sealed.into(),
            cpr.birth_date().to_string().into(),
            coordinator.to_string().into(),
            "active".into(),
            at.clone().into(),
            coordinator.to_string().into(),
        ]);
        self.seeded.cases += 1;

        // 5-15 participants: the young person, one or two parents, sometimes a trusted adult,
        // and professionals for the rest.
        let total = 5 + self.random.below(11) as usize;
        let participant = |rows: &mut Chunk,
                           account: AccountId,
                           role: &str,
                           department: Option<Department>,
                           custody: bool,
                           access: &str| {
            let id = ParticipantId::new();
            rows.participants.push([
                id.to_string().into(),
                case.to_string().into(),
                account.to_string().into(),
                role.into(),
                department.map(|d| d.as_str().to_owned()).into(),
                i64::from(custody).into(),
                access.into(),
                at.clone().into(),
                coordinator.to_string().into(),
            ]);
            id
        };
        let young_place = participant(rows, young, "young_person", None, false, "read");
        let parents = 1 + self.random.below(2) as usize;
        let mut custody_holders = Vec::new();
        for _ in 0..parents {
            let (parent, _) = self.citizen(rows, ADULT)?;
            custody_holders.push(participant(rows, parent, "parent", None, true, "read"));
        }
        let mut added = 1 + parents;
        if self.random.below(10) < 3 {
            let (adult, _) = self.citizen(rows, ADULT)?;
            participant(rows, adult, "trusted_adult", None, false, "read");
            added += 1;
        }
        let mut writers = vec![coordinator];
        let mut departments: Vec<&str> = Vec::new();
        let mut taken: Vec<usize> = Vec::new();
        while added < total && taken.len() < professionals.len() {
            let pick = self.random.below(professionals.len() as u64) as usize;
            if taken.contains(&pick) {
                continue;
            }
            taken.push(pick);
            let staff = professionals[pick];
            let write = self.random.below(2) == 0;
            participant(
                rows,
                staff.id,
                "professional",
                Some(staff.department),
                false,
                if write { "write" } else { "read" },
            );
            if write {
                writers.push(staff.id);
            }
            if !departments.contains(&staff.department.as_str()) {
                departments.push(staff.department.as_str());
            }
            added += 1;
        }
        self.seeded.participants += added as u64;

        // Consent to share with the team's departments: the young person's, and while under 18
        // each custody holder's too.
        let scope = serde_json::to_string(&departments).map_err(sealing)?;
        let mut givers = vec![("young_person", young_place)];
        if under_18 {
            givers.extend(custody_holders.iter().map(|p| ("custody_holder", *p)));
        }
        for (kind, giver) in givers {
            rows.consents.push([
                uuid::Uuid::new_v4().to_string().into(),
                case.to_string().into(),
                kind.into(),
                giver.to_string().into(),
                "digital".into(),
                scope.clone().into(),
                at.clone().into(),
                coordinator.to_string().into(),
                at.clone().into(),
            ]);
            self.seeded.consents += 1;
        }

        let key = CaseKey::generate().map_err(sealing)?;
        rows.case_keys.push([
            case.to_string().into(),
            key.wrap(self.keys.master, case.uuid())
                .map_err(sealing)?
                .into(),
            at.clone().into(),
        ]);
        for n in 0..10 + self.random.below(21) {
            self.document(rows, case, &key, &writers, created, n)?;
        }
        Ok(())
    }

    /// One document with 1-4 versions (mean 2.5), uploaded over the case's life.
    fn document(
        &mut self,
        rows: &mut Chunk,
        case: CaseId,
        key: &CaseKey,
        writers: &[AccountId],
        created: OffsetDateTime,
        n: u64,
    ) -> Result<(), ScaleError> {
        let id = DocumentId::new();
        let (kind, title) = KINDS[self.random.below(KINDS.len() as u64) as usize];
        let title = format!("{title} {}", n + 1);
        let versions = 1 + self.random.below(4) as i64;
        let mut at = created + Duration::days(self.random.below(20) as i64);
        let first_by = writers[self.random.below(writers.len() as u64) as usize];
        let mut last_by = first_by;
        let first_at = to_text(at);
        for version in 1..=versions {
            if version > 1 {
                at += Duration::days(1 + self.random.below(60) as i64);
                last_by = writers[self.random.below(writers.len() as u64) as usize];
            }
            let version_id = VersionId::new();
            let pdf = self.random.below(3) > 0;
            let (content_type, extension) = if pdf {
                ("application/pdf", "pdf")
            } else {
                (
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                )
            };
            let file_name = format!("{title} v{version}.{extension}");
            let data_key = DataKey::generate().map_err(sealing)?;
            let mut digest = [0u8; 32];
            self.random.fill(&mut digest);
            rows.versions.push([
                version_id.to_string().into(),
                id.to_string().into(),
                version.into(),
                (20_000 + self.random.below(2_000_000) as i64).into(),
                hex::encode(digest).into(),
                content_type.into(),
                "".into(),
                key.seal_text(SealPurpose::VersionFileName(version_id.uuid()), &file_name)
                    .map_err(sealing)?
                    .into(),
                last_by.to_string().into(),
                to_text(at).into(),
                key.wrap_data_key(version_id.uuid(), &data_key)
                    .map_err(sealing)?
                    .into(),
                format!("cases/{case}/{version_id}").into(),
            ]);
            self.seeded.versions += 1;
        }
        rows.documents.push([
            id.to_string().into(),
            case.to_string().into(),
            "".into(),
            key.seal_text(SealPurpose::DocumentTitle(id.uuid()), &title)
                .map_err(sealing)?
                .into(),
            kind.into(),
            versions.into(),
            first_at.into(),
            first_by.to_string().into(),
            to_text(at).into(),
            last_by.to_string().into(),
        ]);
        self.seeded.documents += 1;
        Ok(())
    }
}
