//! A Flask session's identity, for an engine with a revocation store: three reserved
//! entries beside the application's (docs/FLASK.md, "Revocation"), which Flask itself
//! keeps like any other entry.
//!
//! | entry | value |
//! |---|---|
//! | `_sid` | the session id, 22 characters of base64url |
//! | `_sid_created` | when the id was created, microseconds since the Unix epoch (an int) |
//! | `_sub` | the subject, when the application bound one |
//!
//! Without a revocation store they are entries like any other: read and written back as
//! they came.

use crate::codec::identity::Ident;
use crate::pyvalue::{PyValue, python_b64decode};
use crate::reason::LoadReason;
use crate::revocation::check_subject;

/// The session id's entry.
pub(crate) const SID_KEY: &str = "_sid";
/// The creation time's entry.
pub(crate) const CREATED_KEY: &str = "_sid_created";
/// The subject's entry.
pub(crate) const SUBJECT_KEY: &str = "_sub";

/// True for the keys the identity keeps to itself.
pub(crate) fn is_reserved(key: &str) -> bool {
    matches!(key, SID_KEY | CREATED_KEY | SUBJECT_KEY)
}

/// Takes the identity entries out of a session's values: the identity they make, or `None`
/// when the session has no `_sid` (one Flask wrote before revocation was turned on).
///
/// # Errors
///
/// [`LoadReason::Malformed`] for entries present but not an identity (a `_sid` that is not
/// an id, a `_sid_created` that is not a time, a `_sub` that is not a subject, or either of
/// these without `_sid`).
pub(crate) fn take(entries: &mut Vec<(String, PyValue)>) -> Result<Option<Ident>, LoadReason> {
    if !entries.iter().any(|(key, _)| is_reserved(key)) {
        return Ok(None);
    }
    let (mut id, mut created, mut subject) = (None, None, None);
    for (key, value) in entries.extract_if(.., |(key, _)| is_reserved(key)) {
        match (key.as_str(), value) {
            (SID_KEY, PyValue::Str(text)) => id = Some(text),
            (CREATED_KEY, PyValue::Int(micros)) => created = Some(micros),
            (SUBJECT_KEY, PyValue::Str(text)) => subject = Some(text),
            _ => return Err(LoadReason::Malformed),
        }
    }
    let id = id
        .ok_or(LoadReason::Malformed)?
        .parse()
        .map_err(|_| LoadReason::Malformed)?;
    let created = created
        .and_then(|micros| u64::try_from(micros).ok())
        .ok_or(LoadReason::Malformed)?;
    if let Some(subject) = &subject {
        check_subject(subject).map_err(|_| LoadReason::Malformed)?;
    }
    Ok(Some(Ident {
        id,
        created,
        subject: subject.map(String::into_boxed_str),
    }))
}

/// The entries that carry `identity`, as Python values.
pub(crate) fn entries(identity: &Ident) -> Vec<(&'static str, PyValue)> {
    let mut entries = vec![
        (SID_KEY, PyValue::Str(identity.id.to_string())),
        (
            CREATED_KEY,
            PyValue::Int(i64::try_from(identity.created).unwrap_or(i64::MAX)),
        ),
    ];
    if let Some(subject) = &identity.subject {
        entries.push((SUBJECT_KEY, PyValue::Str(subject.to_string())));
    }
    entries
}

/// The identity of a session Flask wrote without one: an id derived from its signature
/// (its bytes, whichever of Python's lenient spellings carried them), created at its
/// timestamp.
pub(crate) fn derived(token: &str, timestamp: u64) -> Ident {
    let signature = token
        .rsplit_once('.')
        .map_or(token, |(_, signature)| signature);
    let bytes = python_b64decode(signature.as_bytes(), true).unwrap_or_default();
    Ident::derived(&bytes, timestamp.saturating_mul(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revocation::SessionId;

    fn identity(subject: Option<&str>) -> Ident {
        Ident {
            id: SessionId::from_bytes([3; 16]),
            created: 1_700_000_000_000_001,
            subject: subject.map(Into::into),
        }
    }

    #[test]
    fn the_entries_read_back_and_leave_the_others() {
        for subject in [None, Some("ada")] {
            let mut values: Vec<(String, PyValue)> = entries(&identity(subject))
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect();
            values.insert(1, ("user".to_owned(), PyValue::Int(7)));
            assert_eq!(take(&mut values), Ok(Some(identity(subject))));
            assert_eq!(values, [("user".to_owned(), PyValue::Int(7))]);
        }
        let mut none = vec![("user".to_owned(), PyValue::Int(7))];
        assert_eq!(take(&mut none), Ok(None));
    }

    #[test]
    fn entries_that_are_not_an_identity_are_malformed() {
        let bad = |key: &str, value: PyValue| {
            let mut values: Vec<(String, PyValue)> = entries(&identity(None))
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value))
                .collect();
            values.retain(|(existing, _)| existing != key);
            values.push((key.to_owned(), value));
            take(&mut values)
        };
        let malformed = Err(LoadReason::Malformed);
        assert_eq!(bad(SID_KEY, PyValue::Str("short".into())), malformed);
        assert_eq!(bad(SID_KEY, PyValue::Int(1)), malformed);
        assert_eq!(bad(CREATED_KEY, PyValue::Int(-1)), malformed);
        assert_eq!(bad(SUBJECT_KEY, PyValue::Str(String::new())), malformed);
        let mut orphan = vec![(SUBJECT_KEY.to_owned(), PyValue::Str("ada".into()))];
        assert_eq!(take(&mut orphan), malformed);
    }

    #[test]
    fn a_derived_id_ignores_the_spelling_of_the_signature() {
        // The last character's low bits carry nothing: `A` and `B` spell the same bytes.
        let one = derived("eyJ1IjoxfQ.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", 1);
        let two = derived("eyJ1IjoxfQ.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAB", 1);
        assert_eq!(one, two);
        assert_eq!(one.created, 1_000_000);
    }
}
