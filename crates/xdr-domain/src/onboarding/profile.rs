//! The organization profile, the wizard's first step: where it is, what it does, how big.

use crate::closed_set::closed_set;
use crate::inventory::text;
use crate::validation::FieldErrors;

pub const MAX_PROFILE_TEXT: usize = 100;

closed_set!(
    CompanySize {
        Small => "1-50",
        Medium => "51-200",
        Large => "201-1000",
        Enterprise => "1001-5000",
        Huge => "5000+",
    }
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub region: String,
    pub industry: String,
    pub company_size: CompanySize,
}

impl Profile {
    /// Validates a profile as received: every problem at once.
    pub fn parse(region: &str, industry: &str, company_size: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let region = text::name(&mut errors, "region", region, MAX_PROFILE_TEXT);
        let industry = text::name(&mut errors, "industry", industry, MAX_PROFILE_TEXT);
        let size = company_size.parse::<CompanySize>().ok();
        if size.is_none() {
            errors.add(
                "company_size",
                "must be one of 1-50, 51-200, 201-1000, 1001-5000, 5000+",
            );
        }
        match (region, industry, size) {
            (Some(region), Some(industry), Some(company_size)) => Ok(Profile {
                region,
                industry,
                company_size,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_valid_profile_is_trimmed() {
        let p = Profile::parse(" eu-west ", "finance", "51-200").unwrap();
        assert_eq!(p.region, "eu-west");
        assert_eq!(p.company_size, CompanySize::Medium);
        assert_eq!(p.company_size.as_str(), "51-200");
    }

    #[test]
    fn every_problem_is_reported() {
        let errors = Profile::parse("", &"x".repeat(101), "huge")
            .unwrap_err()
            .into_map();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, vec!["company_size", "industry", "region"]);
        assert!(Profile::parse("a\u{7}", "b", "5000+").is_err());
        assert!(Profile::parse("a", "b", "5000+").is_ok());
    }
}
