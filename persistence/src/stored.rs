//! Reading a stored text back as its domain enum, where a row type cannot say it
//! (`#[diesel(deserialize_as = String)]` covers the fields of row structs).

use gangonghui_domain::text::UnknownText;

/// A stored text as its enum; a text no variant names is a deserialization error, never a
/// silently wrong value.
pub(crate) fn parse<T>(raw: String) -> diesel::QueryResult<T>
where
    T: TryFrom<String, Error = UnknownText>,
{
    T::try_from(raw).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}
