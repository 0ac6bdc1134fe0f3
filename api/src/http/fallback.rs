//! What answers when no route matched: 405 with `Allow` when the path exists under another
//! method, else 404. The known paths come from the OpenAPI document, i.e. from the same single
//! registration that routes requests.

use actix_web::http::Method;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;

use crate::http::ApiError;

/// Documented path templates with the methods each accepts.
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = split(template)
                    .map(|s| {
                        if s.starts_with('{') {
                            Segment::Param
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::HEAD, item.head.is_some()),
                    (Method::OPTIONS, item.options.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods documented for `path`, or `None` when no template matches it.
    pub fn methods_for(&self, path: &str) -> Option<Vec<Method>> {
        let parts: Vec<&str> = split(path).collect();
        let mut methods: Vec<Method> = self
            .routes
            .iter()
            .filter(|(segments, _)| {
                segments.len() == parts.len()
                    && segments.iter().zip(&parts).all(|(s, p)| match s {
                        Segment::Param => true,
                        Segment::Literal(l) => l == p,
                    })
            })
            .flat_map(|(_, m)| m.iter().cloned())
            .collect();
        methods.dedup();
        (!methods.is_empty()).then_some(methods)
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The app's default service.
pub async fn no_route(req: HttpRequest, table: Data<RouteTable>) -> Result<HttpResponse, ApiError> {
    Err(match table.methods_for(req.path()) {
        Some(allow) if !allow.contains(req.method()) => ApiError::MethodNotAllowed { allow },
        _ => ApiError::NotFound,
    })
}
