//! Who may see and do what: the roles of buurtbeeld's users.

use serde::{Deserialize, Serialize};

/// A user's role, from least to most allowed; every role may do what the roles before it may.
///
/// `Publiek` is everyone without an account (residents, the council's public pages): they see
/// the public view, whose small counts are protected. Accounts have one of the other three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// No account: the public view only.
    Publiek,
    /// Management and partners (police, Halt, woningcorporaties): reads everything.
    Lezer,
    /// The Intelligence/OOV team: imports data and edits the plan, its action points, budget
    /// and interventions.
    Analist,
    /// Manages accounts and decides which plans are public.
    Beheerder,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Publiek, Role::Lezer, Role::Analist, Role::Beheerder];
    /// The roles an account can have.
    pub const ACCOUNT_ROLES: [Role; 3] = [Role::Lezer, Role::Analist, Role::Beheerder];

    /// The Dutch word, as the command line, the store and the pages write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Publiek => "publiek",
            Role::Lezer => "lezer",
            Role::Analist => "analist",
            Role::Beheerder => "beheerder",
        }
    }

    pub fn parse(word: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == word)
    }

    /// Whether someone with this role may use what `required` is needed for.
    pub fn may(self, required: Role) -> bool {
        self >= required
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn every_role_reads_back_from_its_word_and_includes_the_ones_below() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert!(role.may(Role::Publiek));
        }
        assert!(!Role::Lezer.may(Role::Analist));
        assert!(Role::Beheerder.may(Role::Analist));
        assert_eq!(Role::parse("admin"), None);
    }
}
