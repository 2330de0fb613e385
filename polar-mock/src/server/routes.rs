//! Matching a request's method and path to an operation of a version.
//!
//! A path parameter matches any one non-empty segment; where several
//! templates match a path, the one with a literal segment first where they
//! differ wins (`/v1/customers/export` before `/v1/customers/{id}`), so the
//! answer does not depend on the document's order of paths.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;

use super::table::Operation;

/// The operations of one version, by method and path.
pub(crate) struct Router {
    /// Routes by their number of segments.
    by_length: HashMap<usize, Vec<Route>>,
}

struct Route {
    method: &'static str,
    segments: Vec<Segment>,
    operation: usize,
}

enum Segment {
    Literal(&'static str),
    Param(&'static str),
}

/// What a method and path match.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Matched {
    /// An operation (its index) and its path parameters, decoded.
    Operation(usize, Vec<(&'static str, String)>),
    /// The path exists with other methods (listed).
    MethodNotAllowed(Vec<&'static str>),
    NotFound,
}

impl Router {
    pub(crate) fn new(operations: &[Operation]) -> Router {
        let mut by_length: HashMap<usize, Vec<Route>> = HashMap::new();
        for (index, operation) in operations.iter().enumerate() {
            let segments: Vec<Segment> = operation
                .path
                .split('/')
                .map(
                    |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name),
                        None => Segment::Literal(segment),
                    },
                )
                .collect();
            by_length.entry(segments.len()).or_default().push(Route {
                method: operation.method,
                segments,
                operation: index,
            });
        }
        Router { by_length }
    }

    pub(crate) fn find(&self, method: &str, path: &str) -> Matched {
        let parts: Vec<&str> = path.split('/').collect();
        let Some(routes) = self.by_length.get(&parts.len()) else {
            return Matched::NotFound;
        };
        // The best route: literal segments before parameters, segment by
        // segment from the left.
        let mut best: Option<(&Route, Vec<bool>)> = None;
        let mut methods = Vec::new();
        for route in routes {
            let Some(shape) = matches(route, &parts) else {
                continue;
            };
            if route.method != method {
                methods.push(route.method);
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(_, best_shape)| shape > *best_shape)
            {
                best = Some((route, shape));
            }
        }
        match best {
            Some((route, _)) => {
                let params = route
                    .segments
                    .iter()
                    .zip(&parts)
                    .filter_map(|(segment, part)| match segment {
                        Segment::Param(name) => Some((
                            *name,
                            percent_decode_str(part).decode_utf8_lossy().into_owned(),
                        )),
                        Segment::Literal(_) => None,
                    })
                    .collect();
                Matched::Operation(route.operation, params)
            }
            None if !methods.is_empty() => {
                methods.sort_unstable();
                methods.dedup();
                Matched::MethodNotAllowed(methods)
            }
            None => Matched::NotFound,
        }
    }
}

/// Whether `route` matches the path's segments, and if so which of its
/// segments are literal (for ranking).
fn matches(route: &Route, parts: &[&str]) -> Option<Vec<bool>> {
    route
        .segments
        .iter()
        .zip(parts)
        .map(|(segment, part)| match segment {
            Segment::Literal(literal) => (literal == part).then_some(true),
            Segment::Param(_) => (!part.is_empty()).then_some(false),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::decode::{Inputs, Issues};
    use crate::server::table::{Auth, Response};

    fn op(method: &'static str, path: &'static str) -> Operation {
        fn nothing(_: &Inputs, _: &mut Issues) {}
        Operation {
            id: path,
            method,
            path,
            auth: Auth::Public,
            status: 200,
            response: Response::Empty,
            decode: nothing,
        }
    }

    #[test]
    fn literals_win_over_parameters_and_methods_are_told_apart() {
        let operations = [
            op("GET", "/v1/customers/{id}"),
            op("GET", "/v1/customers/export"),
            op("DELETE", "/v1/customers/{id}"),
            op("GET", "/v1/customers/"),
        ];
        let router = Router::new(&operations);
        assert_eq!(
            router.find("GET", "/v1/customers/export"),
            Matched::Operation(1, vec![])
        );
        assert_eq!(
            router.find("GET", "/v1/customers/a%20b"),
            Matched::Operation(0, vec![("id", "a b".to_owned())])
        );
        assert_eq!(
            router.find("DELETE", "/v1/customers/x"),
            Matched::Operation(2, vec![("id", "x".to_owned())])
        );
        assert_eq!(
            router.find("GET", "/v1/customers/"),
            Matched::Operation(3, vec![])
        );
        assert_eq!(
            router.find("POST", "/v1/customers/x"),
            Matched::MethodNotAllowed(vec!["DELETE", "GET"])
        );
        assert_eq!(router.find("GET", "/v1/customers"), Matched::NotFound);
        assert_eq!(router.find("GET", "/v1/customers//"), Matched::NotFound);
    }
}
