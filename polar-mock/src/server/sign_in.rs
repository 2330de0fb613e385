//! The customer-portal sign-in by emailed code (operations Polar documents
//! but leaves out of its documents; see `spec/overlay.json`), without the
//! email: the mock keeps each code it would have sent, for the test to read
//! ([`MockPolar::last_sign_in_code`](crate::MockPolar::last_sign_in_code)).
//!
//! A requested code is good once, for any customer; a fixed code set with
//! [`MockPolarBuilder::sign_in_code`](crate::MockPolarBuilder::sign_in_code)
//! is good every time. A code that is neither answers `401` with
//! `CustomerSessionCodeInvalidOrExpired`, as Polar does for a wrong, used
//! or expired code (the mock's codes do not expire). Codes are not
//! checked against the email or organization they were requested for; the
//! stateful mock scopes the session a requested code opens to the customer
//! with that email, when it has one.

use http::Response;
use serde_json::json;

use super::body::MockBody;
use super::decode::Inputs;
use super::handle::json_response;
use super::Shared;

const REQUEST: &str = "customer_portal:customer-session:request";
const AUTHENTICATE: &str = "customer_portal:customer-session:authenticate";

/// The codes a mock has handed out.
#[derive(Debug, Default)]
pub(crate) struct SignIn {
    fixed: Option<String>,
    codes: Vec<Code>,
    /// Codes handed out, and sessions opened, so far.
    issued: u64,
    sessions: u64,
}

#[derive(Debug)]
struct Code {
    email: String,
    code: String,
    used: bool,
}

impl SignIn {
    /// No code handed out yet; `fixed` is always good.
    pub(crate) fn new(fixed: Option<String>) -> SignIn {
        SignIn {
            fixed,
            ..SignIn::default()
        }
    }

    /// The newest code requested for `email`, used or not.
    pub(crate) fn last_code(&self, email: &str) -> Option<String> {
        self.codes
            .iter()
            .rev()
            .find(|c| c.email.eq_ignore_ascii_case(email))
            .map(|c| c.code.clone())
    }
}

/// The mock's own answer to a sign-in operation, if `operation` is one and
/// its answer is not the fixture.
pub(crate) fn answer(
    shared: &Shared,
    operation: &str,
    inputs: &Inputs,
    version: &'static str,
) -> Option<Response<MockBody>> {
    let field = |name: &str| {
        inputs
            .body
            .as_ref()
            .and_then(|b| b.get(name))
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let mut sign_in = shared.sign_in.lock().unwrap_or_else(|e| e.into_inner());
    match operation {
        REQUEST => {
            sign_in.issued += 1;
            // Six digits, different for each request of a mock.
            let code = format!("{:06}", (sign_in.issued * 7919 + 104_729) % 1_000_000);
            sign_in.codes.push(Code {
                email: field("email"),
                code,
                used: false,
            });
            None
        }
        AUTHENTICATE => {
            let code = field("code");
            let fixed = sign_in.fixed.as_deref() == Some(code.as_str());
            let issued = sign_in.codes.iter_mut().find(|c| c.code == code && !c.used);
            let (valid, email) = match issued {
                Some(issued) => {
                    issued.used = true;
                    (true, Some(issued.email.clone()))
                }
                None => (fixed, None),
            };
            Some(if valid {
                sign_in.sessions += 1;
                let token = format!("polar_cst_mock_session_{}", sign_in.sessions);
                // The stateful mock opens the portal of the customer with
                // that email, when it has one.
                if let (true, Some(email)) = (shared.stateful, email) {
                    shared.with_store(|store| store.add_session_for_email(&token, &email));
                }
                json_response(200, Some(version), &json!({ "token": token }))
            } else {
                json_response(
                    401,
                    Some(version),
                    &json!({
                        "error": "CustomerSessionCodeInvalidOrExpired",
                        "detail": "The code is invalid or has expired."
                    }),
                )
            })
        }
        _ => None,
    }
}
