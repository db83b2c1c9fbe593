//! The municipal departments and partners a professional belongs to (GLOSSARY.md).

use crate::error::{Arg, Fragment};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    ChildrenYouth,
    Adult,
    JobCentre,
    YouthGuidance,
    Placement,
    School,
    Other,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", crate::error::english(self))]
pub struct UnknownDepartment(pub String);

impl Fragment for UnknownDepartment {
    fn key(&self) -> &'static str {
        "invalid.department"
    }

    fn args(&self) -> Vec<(&'static str, Arg)> {
        vec![("found", Arg::Text(self.0.clone()))]
    }
}

impl Department {
    pub const ALL: [Department; 7] = [
        Self::ChildrenYouth,
        Self::Adult,
        Self::JobCentre,
        Self::YouthGuidance,
        Self::Placement,
        Self::School,
        Self::Other,
    ];

    /// Caseworkers of these departments create cases unless an admin says otherwise (the staff
    /// flag `may_create_cases` starts from this).
    pub fn creates_cases(self) -> bool {
        matches!(self, Self::ChildrenYouth | Self::Adult)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ChildrenYouth => "children_youth",
            Self::Adult => "adult",
            Self::JobCentre => "job_centre",
            Self::YouthGuidance => "youth_guidance",
            Self::Placement => "placement",
            Self::School => "school",
            Self::Other => "other",
        }
    }
}

impl FromStr for Department {
    type Err = UnknownDepartment;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == raw)
            .ok_or_else(|| UnknownDepartment(raw.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_department_round_trips_through_its_name() {
        for d in Department::ALL {
            assert_eq!(d.as_str().parse::<Department>(), Ok(d));
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.as_str())
            );
        }
        assert!("jobcenter".parse::<Department>().is_err());
    }
}
