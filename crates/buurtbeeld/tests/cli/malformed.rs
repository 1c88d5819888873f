//! Placeholder: the malformed-input corpus tests.
