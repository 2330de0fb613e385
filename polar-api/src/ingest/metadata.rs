//! The typed metadata entries the API reserves: `_llm` ([`LlmMetadata`])
//! and `_cost` ([`CostMetadata`]), and [`LlmPrice`] to compute one from the
//! other.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// The `_llm` metadata of an event: which model an LLM call used and how
/// many tokens it took (the API's `LLMMetadata`).
///
/// The total is `input + output` unless set: cached input tokens are part
/// of the input tokens, as providers count them.
///
/// ```
/// use polar_api::ingest::LlmMetadata;
///
/// let llm = LlmMetadata::new("anthropic", "claude-sonnet-4", 2_000, 350).cached_input_tokens(1_500);
/// assert_eq!(llm.get_total_tokens(), 2_350);
/// ```
///
/// `Debug` shows the prompt and the response by their length only.
#[derive(Clone, PartialEq, Eq)]
pub struct LlmMetadata {
    vendor: String,
    model: String,
    input_tokens: u64,
    cached_input_tokens: Option<u64>,
    output_tokens: u64,
    total_tokens: Option<u64>,
    prompt: Option<String>,
    response: Option<String>,
}

impl LlmMetadata {
    /// A call to `model` of `vendor` (`"openai"`, `"anthropic"`, ...) that
    /// took `input_tokens` and produced `output_tokens`.
    pub fn new(
        vendor: impl Into<String>,
        model: impl Into<String>,
        input_tokens: u64,
        output_tokens: u64,
    ) -> Self {
        LlmMetadata {
            vendor: vendor.into(),
            model: model.into(),
            input_tokens,
            cached_input_tokens: None,
            output_tokens,
            total_tokens: None,
            prompt: None,
            response: None,
        }
    }

    /// How many of the input tokens were served from the provider's cache.
    #[must_use]
    pub fn cached_input_tokens(mut self, tokens: u64) -> Self {
        self.cached_input_tokens = Some(tokens);
        self
    }

    /// The total, when the provider counts it otherwise than input + output
    /// (reasoning tokens, for one).
    #[must_use]
    pub fn total_tokens(mut self, tokens: u64) -> Self {
        self.total_tokens = Some(tokens);
        self
    }

    /// The prompt, stored with the event.
    #[must_use]
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// The response, stored with the event.
    #[must_use]
    pub fn response(mut self, response: impl Into<String>) -> Self {
        self.response = Some(response.into());
        self
    }

    /// The vendor.
    pub fn get_vendor(&self) -> &str {
        &self.vendor
    }

    /// The model.
    pub fn get_model(&self) -> &str {
        &self.model
    }

    /// Input tokens (cached ones included).
    pub fn get_input_tokens(&self) -> u64 {
        self.input_tokens
    }

    /// Cached input tokens (0 when not set).
    pub fn get_cached_input_tokens(&self) -> u64 {
        self.cached_input_tokens.unwrap_or(0)
    }

    /// Output tokens.
    pub fn get_output_tokens(&self) -> u64 {
        self.output_tokens
    }

    /// The total sent: as set, else input + output.
    pub fn get_total_tokens(&self) -> u64 {
        self.total_tokens
            .unwrap_or(self.input_tokens.saturating_add(self.output_tokens))
    }

    /// What the call cost at `price`, as `_cost` metadata.
    pub fn cost_at(&self, price: &LlmPrice) -> CostMetadata {
        price.cost(self)
    }
}

impl fmt::Debug for LlmMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let length = |text: &Option<String>| text.as_ref().map(|t| format!("<{} bytes>", t.len()));
        f.debug_struct("LlmMetadata")
            .field("vendor", &self.vendor)
            .field("model", &self.model)
            .field("input_tokens", &self.input_tokens)
            .field("cached_input_tokens", &self.cached_input_tokens)
            .field("output_tokens", &self.output_tokens)
            .field("total_tokens", &self.get_total_tokens())
            .field("prompt", &length(&self.prompt))
            .field("response", &length(&self.response))
            .finish()
    }
}

impl Serialize for LlmMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("vendor", &self.vendor)?;
        map.serialize_entry("model", &self.model)?;
        map.serialize_entry("input_tokens", &self.input_tokens)?;
        if let Some(cached) = self.cached_input_tokens {
            map.serialize_entry("cached_input_tokens", &cached)?;
        }
        map.serialize_entry("output_tokens", &self.output_tokens)?;
        map.serialize_entry("total_tokens", &self.get_total_tokens())?;
        if let Some(prompt) = &self.prompt {
            map.serialize_entry("prompt", prompt)?;
        }
        if let Some(response) = &self.response {
            map.serialize_entry("response", response)?;
        }
        map.end()
    }
}

/// The `_cost` metadata of an event: what the usage cost you, **in cents**
/// of US dollars (the API's `CostMetadata`; `usd` is the only currency it
/// accepts). The amount may have a fraction (up to 12 decimals, below
/// 100,000 cents).
///
/// ```
/// use polar_api::ingest::CostMetadata;
///
/// let cost = CostMetadata::usd_cents(0.0125);
/// assert_eq!(serde_json::to_string(&cost)?, r#"{"amount":0.0125,"currency":"usd"}"#);
/// let exact = CostMetadata::usd_cents_decimal("0.000000123456");
/// assert_eq!(serde_json::to_string(&exact)?, r#"{"amount":"0.000000123456","currency":"usd"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CostMetadata {
    amount: Amount,
}

#[derive(Clone, Debug, PartialEq)]
enum Amount {
    Number(f64),
    Decimal(String),
}

impl CostMetadata {
    /// `cents` US cents, sent as a JSON number.
    pub fn usd_cents(cents: f64) -> Self {
        CostMetadata {
            amount: Amount::Number(cents),
        }
    }

    /// US cents written as a decimal (`"0.0125"`), sent as that text so
    /// that no digit is lost to floating point.
    pub fn usd_cents_decimal(cents: impl Into<String>) -> Self {
        CostMetadata {
            amount: Amount::Decimal(cents.into()),
        }
    }

    /// The amount in cents, as a number (a decimal that does not parse
    /// gives `NaN`).
    pub fn get_cents(&self) -> f64 {
        match &self.amount {
            Amount::Number(cents) => *cents,
            Amount::Decimal(text) => text.parse().unwrap_or(f64::NAN),
        }
    }
}

impl Serialize for CostMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match &self.amount {
            Amount::Number(cents) => map.serialize_entry("amount", cents)?,
            Amount::Decimal(text) => map.serialize_entry("amount", text)?,
        }
        map.serialize_entry("currency", "usd")?;
        map.end()
    }
}

/// A model's price per million tokens, in US cents, to put a `_cost` on
/// LLM events ([`LlmMetadata::cost_at`]).
///
/// ```
/// use polar_api::ingest::{LlmMetadata, LlmPrice};
///
/// // $2.50 per million input tokens, $1.25 cached, $10 output.
/// let price = LlmPrice::per_million_tokens(250.0, 1000.0).cached_input(125.0);
/// let llm = LlmMetadata::new("openai", "gpt-4o", 2_000, 500).cached_input_tokens(1_000);
/// // 1,000 uncached input, 1,000 cached, 500 output tokens:
/// assert!((llm.cost_at(&price).get_cents() - 0.875).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LlmPrice {
    input: f64,
    cached_input: Option<f64>,
    output: f64,
}

impl LlmPrice {
    /// Cents per million input tokens and per million output tokens;
    /// cached input tokens cost as much as the others unless
    /// [`cached_input`](Self::cached_input) says otherwise.
    pub fn per_million_tokens(input_cents: f64, output_cents: f64) -> Self {
        LlmPrice {
            input: input_cents,
            cached_input: None,
            output: output_cents,
        }
    }

    /// Cents per million cached input tokens.
    #[must_use]
    pub fn cached_input(mut self, cents: f64) -> Self {
        self.cached_input = Some(cents);
        self
    }

    fn cost(&self, llm: &LlmMetadata) -> CostMetadata {
        let cached = llm.get_cached_input_tokens().min(llm.input_tokens);
        let uncached = llm.input_tokens - cached;
        let cents = (uncached as f64 * self.input
            + cached as f64 * self.cached_input.unwrap_or(self.input)
            + llm.output_tokens as f64 * self.output)
            / 1_000_000.0;
        CostMetadata::usd_cents(cents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn llm_wire_shape() {
        let llm = LlmMetadata::new("openai", "gpt-4o", 10, 5)
            .prompt("hi")
            .response("hello");
        assert_eq!(
            serde_json::to_value(&llm).unwrap(),
            json!({"vendor": "openai", "model": "gpt-4o", "input_tokens": 10,
                   "output_tokens": 5, "total_tokens": 15, "prompt": "hi", "response": "hello"})
        );
        let llm = LlmMetadata::new("v", "m", 1, 2)
            .cached_input_tokens(1)
            .total_tokens(9);
        let json = serde_json::to_value(&llm).unwrap();
        assert_eq!(json["cached_input_tokens"], 1);
        assert_eq!(json["total_tokens"], 9);
    }

    #[test]
    fn debug_hides_prompt_and_response() {
        let llm = LlmMetadata::new("v", "m", 1, 2)
            .prompt("the secret plan")
            .response("classified");
        let debug = format!("{llm:?}");
        assert!(
            !debug.contains("secret") && !debug.contains("classified"),
            "{debug}"
        );
        assert!(debug.contains("<15 bytes>"), "{debug}");
    }

    #[test]
    fn price_without_a_cached_rate_charges_cached_tokens_as_input() {
        let price = LlmPrice::per_million_tokens(100.0, 200.0);
        let llm = LlmMetadata::new("v", "m", 1_000_000, 500_000).cached_input_tokens(400_000);
        assert_eq!(llm.cost_at(&price).get_cents(), 200.0);
        // More cached than input tokens counts them all as cached.
        let odd = LlmMetadata::new("v", "m", 10, 0).cached_input_tokens(20);
        assert_eq!(odd.cost_at(&price.cached_input(0.0)).get_cents(), 0.0);
    }
}
