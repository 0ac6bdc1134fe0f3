//! Queries over an operator's scope: the rows whose materialised `org_path` lies in a subtree.

/// One keyset page of `$table`'s rows in the subtree at `scope_path`, optionally by `status`,
/// by id after `after` (a typed id). A macro because the query is the same over every table with `org_path`,
/// `status` and `id` columns, and diesel has no trait that names "a table with these columns".
macro_rules! page_in_scope {
    ($table:ident, $conn:expr, $scope_path:expr, $status:expr, $after:expr, $limit:expr) => {{
        let mut query = $table::table
            .filter($table::org_path.like(format!("{}%", $scope_path)))
            .select($table::all_columns)
            .into_boxed();
        if let Some(status) = $status {
            query = query.filter($table::status.eq(status.as_str()));
        }
        if let Some(after) = $after {
            query = query.filter($table::id.gt(after.as_str()));
        }
        query.order($table::id.asc()).limit($limit).load($conn)
    }};
}

pub(crate) use page_in_scope;
