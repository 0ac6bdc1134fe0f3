//! Public ids: opaque UUIDv7 strings. Time-ordered, so new rows append to the primary-key index
//! and keyset pagination by id follows creation order.
//!
//! Rows carry the domain's typed ids (`gangonghui_domain::ids`). A required id column reads and
//! writes through `#[diesel(deserialize_as = String, serialize_as = String)]`; a nullable one
//! through [`OptionalId`], because `Option<Id>` cannot convert from `Option<String>` by a trait
//! impl here (neither type is local). The domain stays free of diesel either way.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::sql_types::{Nullable, Text};

/// A fresh id of the wanted kind: `new_id::<CardId>()`.
pub fn new_id<T: From<String>>() -> T {
    T::from(uuid::Uuid::now_v7().to_string())
}

/// An id of the wanted kind made at `unix_ms` from caller-chosen random bits: a generated data
/// set stays time-ordered (its rows append to the primary keys) and repeatable for one seed.
pub fn id_at<T: From<String>>(unix_ms: u64, random: [u8; 10]) -> T {
    T::from(
        uuid::Builder::from_unix_timestamp_millis(unix_ms, &random)
            .into_uuid()
            .to_string(),
    )
}

/// A nullable id column's text on its way into or out of a row; converts from and into
/// `Option<Id>` for any typed id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalId(Option<String>);

impl<T: Into<String>> From<Option<T>> for OptionalId {
    fn from(id: Option<T>) -> Self {
        OptionalId(id.map(Into::into))
    }
}

impl<T: From<String>> From<OptionalId> for Option<T> {
    fn from(id: OptionalId) -> Self {
        id.0.map(T::from)
    }
}

impl AsExpression<Nullable<Text>> for OptionalId {
    type Expression = <Option<String> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0)
    }
}

impl<DB> Queryable<Nullable<Text>, DB> for OptionalId
where
    DB: Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(text: Option<String>) -> deserialize::Result<Self> {
        Ok(OptionalId(text))
    }
}
