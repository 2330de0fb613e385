//! The second half of a request's check: its validated inputs decoded into
//! the Rust types the client encodes them from, by the generated decoding
//! function of each operation (`src/generated/server/`). What validation
//! accepts and these types refuse is a disagreement between the two, which
//! the mock reports as a 422 `value_error` rather than hide.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::validate::Problem;

/// A request's inputs after validation, as JSON values: path and query
/// parameters by name (text already read by their schema's type), and the
/// body.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    pub path: Map<String, Value>,
    pub query: Map<String, Value>,
    pub body: Option<Value>,
}

/// What did not decode.
#[derive(Debug, Default)]
pub(crate) struct Issues {
    pub problems: Vec<Problem>,
}

impl Issues {
    /// Path parameter `name` as a `T`.
    pub(crate) fn path<T: DeserializeOwned>(&mut self, inputs: &Inputs, name: &str) {
        if let Some(value) = inputs.path.get(name) {
            self.decode::<T>(value, &[json!("path"), json!(name)]);
        }
    }

    /// Query parameter `name`, when present, as a `T`.
    pub(crate) fn query<T: DeserializeOwned>(&mut self, inputs: &Inputs, name: &str) {
        if let Some(value) = inputs.query.get(name) {
            self.decode::<T>(value, &[json!("query"), json!(name)]);
        }
    }

    /// Query parameter `name`, one value or several, each as a `T`.
    pub(crate) fn query_many<T: DeserializeOwned>(&mut self, inputs: &Inputs, name: &str) {
        match inputs.query.get(name) {
            Some(Value::Array(values)) => {
                for (index, value) in values.iter().enumerate() {
                    self.decode::<T>(value, &[json!("query"), json!(name), json!(index)]);
                }
            }
            Some(value) => self.decode::<T>(value, &[json!("query"), json!(name)]),
            None => {}
        }
    }

    /// The body, when there is one, as a `T`.
    pub(crate) fn body<T: DeserializeOwned>(&mut self, inputs: &Inputs) {
        if let Some(value) = &inputs.body {
            self.decode::<T>(value, &[json!("body")]);
        }
    }

    fn decode<T: DeserializeOwned>(&mut self, value: &Value, loc: &[Value]) {
        // Strict, as Polar is: a value the SDK would keep as `Unknown` is
        // not one the API accepts.
        let _strict = polar_models::__private::strict_guard();
        if let Err(err) = <T as Deserialize>::deserialize(value) {
            self.problems.push(Problem::new(
                loc,
                "value_error",
                format!("Value error, {err}"),
                value,
            ));
        }
    }
}
