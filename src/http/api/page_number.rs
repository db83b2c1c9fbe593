//! `?page=` of the paged lists: a number from 1 to [`LAST_PAGE`], refused with a 400 that says
//! so otherwise. The bound keeps the database's offset small and lets the OpenAPI document say
//! exactly what is accepted (a bare `u32` would take 0 and numbers past the documented int32).

use serde::{Deserialize, Deserializer, de::Error};

/// Far past any real log (50 rows a page), far below an int32.
pub const LAST_PAGE: u32 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(u32);

impl PageNumber {
    pub fn get(self) -> u32 {
        self.0
    }

    /// The first page when none was asked for.
    pub fn or_first(page: Option<PageNumber>) -> u32 {
        page.map_or(1, PageNumber::get)
    }
}

impl<'de> Deserialize<'de> for PageNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = u32::deserialize(deserializer)?;
        if (1..=LAST_PAGE).contains(&number) {
            Ok(PageNumber(number))
        } else {
            Err(D::Error::custom(format_args!(
                "page must be a number from 1 to {LAST_PAGE}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Query {
        page: Option<PageNumber>,
    }

    fn read(query: &str) -> Result<Option<u32>, String> {
        actix_web::web::Query::<Query>::from_query(query)
            .map(|q| q.page.map(PageNumber::get))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_the_pages_from_one_to_the_last() {
        assert_eq!(read("page=1"), Ok(Some(1)));
        assert_eq!(read("page=1000000"), Ok(Some(LAST_PAGE)));
        assert_eq!(read(""), Ok(None));
    }

    #[test]
    fn refuses_zero_past_the_last_and_what_is_not_a_number() {
        for bad in [
            "page=0",
            "page=1000001",
            "page=2147483648",
            "page=-1",
            "page=x",
        ] {
            assert!(read(bad).is_err(), "{bad} was accepted");
        }
        assert!(read("page=0").unwrap_err().contains("from 1 to 1000000"));
    }
}
