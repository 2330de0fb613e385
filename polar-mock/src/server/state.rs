//! What the mock knows of each API version this build includes: its
//! generated table, its router, and its inputs' schemas, read once per
//! process (when a request first asks for the version, so that starting a
//! mock costs nothing) and shared by every mock.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::routes::Router;
use super::table::VersionTable;
use super::validate::Schemas;

pub(crate) struct VersionState {
    pub table: &'static VersionTable,
    pub router: Router,
    pub schemas: Schemas,
    /// Per operation, in the table's order.
    pub inputs: Vec<OperationInputs>,
}

#[derive(Debug)]
pub(crate) struct OperationInputs {
    pub path: Vec<(String, Value)>,
    pub query: Vec<QueryInput>,
    pub body: Option<BodyInput>,
}

#[derive(Debug)]
pub(crate) struct QueryInput {
    pub name: String,
    pub required: bool,
    /// `style: deepObject`: `name[key]=value`.
    pub deep: bool,
    pub schema: Value,
}

#[derive(Debug)]
pub(crate) struct BodyInput {
    pub required: bool,
    /// `application/x-www-form-urlencoded` rather than JSON.
    pub form: bool,
    pub schema: Value,
}

/// A version's table, and its state once a request needed it.
struct Slot {
    table: &'static VersionTable,
    state: OnceLock<VersionState>,
}

/// Every version this build includes, oldest first.
fn slots() -> &'static [Slot] {
    static SLOTS: OnceLock<Vec<Slot>> = OnceLock::new();
    SLOTS.get_or_init(|| {
        crate::generated::versions()
            .into_iter()
            .map(|tables| Slot {
                table: tables.server,
                state: OnceLock::new(),
            })
            .collect()
    })
}

/// The tables of every version this build includes, oldest first.
pub(crate) fn tables() -> impl Iterator<Item = &'static VersionTable> {
    slots().iter().map(|slot| slot.table)
}

/// The state of `version`, when this build includes it.
pub(crate) fn version(name: &str) -> Option<&'static VersionState> {
    let slot = slots().iter().find(|slot| slot.table.version == name)?;
    Some(slot.state.get_or_init(|| VersionState::new(slot.table)))
}

impl VersionState {
    fn new(table: &'static VersionTable) -> VersionState {
        // Generated with the table; a failure here is a bug of this crate.
        let mut inputs: Value =
            serde_json::from_str(table.inputs).expect("the generated input schemas are JSON");
        let components = match inputs.get_mut("components").map(Value::take) {
            Some(Value::Object(components)) => components,
            _ => Map::new(),
        };
        let operations = match inputs.get_mut("operations").map(Value::take) {
            Some(Value::Array(operations)) => operations,
            _ => Vec::new(),
        };
        let inputs = operations.into_iter().map(operation_inputs).collect();
        VersionState {
            table,
            router: Router::new(table.operations),
            schemas: Schemas::new(components),
            inputs,
        }
    }
}

fn operation_inputs(mut operation: Value) -> OperationInputs {
    let text = |value: &Value, key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let flag = |value: &Value, key: &str| value.get(key).and_then(Value::as_bool).unwrap_or(false);
    let list = |operation: &mut Value, key: &str| match operation.get_mut(key).map(Value::take) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let path = list(&mut operation, "path")
        .into_iter()
        .map(|mut p| {
            (
                text(&p, "name"),
                p.get_mut("schema").map(Value::take).unwrap_or_default(),
            )
        })
        .collect();
    let query = list(&mut operation, "query")
        .into_iter()
        .map(|mut q| QueryInput {
            name: text(&q, "name"),
            required: flag(&q, "required"),
            deep: flag(&q, "deep"),
            schema: q.get_mut("schema").map(Value::take).unwrap_or_default(),
        })
        .collect();
    let body = match operation.get_mut("body").map(Value::take) {
        Some(mut body) if body.is_object() => Some(BodyInput {
            required: flag(&body, "required"),
            form: flag(&body, "form"),
            schema: body.get_mut("schema").map(Value::take).unwrap_or_default(),
        }),
        _ => None,
    };
    OperationInputs { path, query, body }
}
