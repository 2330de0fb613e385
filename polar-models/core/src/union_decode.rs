//! Decoding a generated union (`oneOf`/`anyOf`): by discriminator when the
//! payload names its variant, otherwise by shape. Each union is a static
//! table ([`Union`]) of its members' [`Shape`]s; this module ranks the
//! members a payload fits and decodes the best fit first.

use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer};
use serde_json::Value;

use crate::__private::{is_strict, Captured};
use crate::error_path::describe;
use crate::peek::{Kind, Peek, Scalar};

/// A scalar constant a payload property must equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    /// A string constant.
    Str(&'static str),
    /// A boolean constant.
    Bool(bool),
}

/// What a payload of one union variant looks like.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A JSON object.
    Object {
        /// Properties the spec requires.
        required: &'static [&'static str],
        /// Every property the spec lists.
        known: &'static [&'static str],
        /// Values fixed by the spec, by property path: the member's own
        /// properties (`["type"]`) and those below them that tell the
        /// union's members apart (`["benefit", "type"]`). A payload holding
        /// another value at one of these paths is not this member.
        consts: &'static [(&'static [&'static str], Lit)],
        /// `additionalProperties: false`: a payload with a property not in
        /// `known` is not this member.
        closed: bool,
    },
    /// Any of these (a member that is itself a union).
    OneOf(&'static [Shape]),
    /// Any string.
    String,
    /// A string in a format its type checks (a timestamp, a date, a UUID):
    /// tried before a plain string, which takes it when it does not parse.
    Formatted,
    /// Exactly this string.
    StringConst(&'static str),
    /// A number without fraction or exponent.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array.
    Array,
    /// `null`.
    Null,
    /// Anything.
    Any,
}

impl Shape {
    /// Whether any constant of this shape (or of the shapes it holds) sits
    /// below `depth` on a path through `key` at that depth: the peek must
    /// then read that property's object instead of skipping it.
    pub(crate) fn looks_below(&self, depth: usize, key: &str) -> bool {
        match self {
            Shape::Object { consts, .. } => consts
                .iter()
                .any(|(path, _)| path.len() > depth + 1 && path[depth] == key),
            Shape::OneOf(shapes) => shapes.iter().any(|s| s.looks_below(depth, key)),
            _ => false,
        }
    }
}

/// A generated union's decoding table.
#[derive(Debug, Clone, Copy)]
pub struct Union {
    /// The Rust type name, for error messages.
    pub name: &'static str,
    /// The property that names the variant, if the spec gives one.
    pub discriminator: Option<&'static str>,
    /// Discriminator value → variant index.
    pub tags: &'static [(&'static str, usize)],
    /// Variant index → shape.
    pub shapes: &'static [Shape],
}

impl Union {
    /// Decodes one value (see [`Union::decode_str`]) under any deserializer:
    /// under serde_json the value's text is taken as is; under any other
    /// (serde's buffered content under `#[serde(flatten)]`, untagged and
    /// internally tagged enums, ...) it is read into a `serde_json::Value`
    /// and written out again first.
    pub fn decode<'de, D, T>(
        &self,
        deserializer: D,
        variant: impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        let json = match Captured::deserialize(deserializer)? {
            Captured::Text(text) => text,
            Captured::Value(value) => Cow::Owned(value.to_string()),
        };
        self.decode_str(&json, variant, unknown)
            .map_err(de::Error::custom)
    }

    /// Decodes one value's JSON text: by discriminator when present and
    /// known, into the unknown variant when present and unknown, and
    /// otherwise by trying the variants whose shape fits the payload, best
    /// fit first. A payload no variant accepts is kept whole in the unknown
    /// variant, unless the best fit is recognisably that variant (see
    /// `recognised`): then its error is returned.
    pub fn decode_str<T>(
        &self,
        json: &str,
        variant: impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, String> {
        if let Some(property) = self.discriminator {
            // Most payloads carry their tag plainly: read it off the text.
            if let Some(tag) = crate::tag_scan::scan_tag(json, property) {
                return self.by_tag(json, property, tag, &variant, unknown);
            }
        }
        // A union whose members each fix one property path to their own
        // string (`benefit.type`) is discriminated in all but name: its
        // member decodes first, straight from the text. Only a success is
        // taken; anything else is decided below, as without this step.
        if let Some(index) = self.member_by_tag_path(json) {
            if let Ok(value) = variant(index, json) {
                return Ok(value);
            }
        }
        self.decode_by_shape(json, &variant, unknown)
    }

    /// The shape-based path of [`Union::decode_str`].
    fn decode_by_shape<T>(
        &self,
        json: &str,
        variant: &impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, String> {
        let peek = Peek::read(json, self.shapes).map_err(|e| e.to_string())?;
        if let (Some(property), Kind::Object) = (self.discriminator, peek.kind) {
            if let Some(Scalar::Str(tag)) = peek.get(property) {
                return self.by_tag(json, property, tag, variant, unknown);
            }
        }
        // The best fit usually decodes: try it before sorting the rest (an
        // allocation per union value otherwise).
        let Some(best) = self.best_candidate(&peek) else {
            return self.unknown(json, unknown);
        };
        let err = match variant(best, json) {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        for index in self.candidates(&peek).into_iter().skip(1) {
            if let Ok(value) = variant(index, json) {
                return Ok(value);
            }
        }
        // The payload is that variant by every sign it carries: its failure
        // is the real error, which `Unknown` would hide.
        if recognised(&self.shapes[best], &peek) {
            return Err(format!("{}: {}", self.name, describe(json, &err)));
        }
        if is_strict() {
            return Err(format!(
                "{}: no variant fits; best candidate failed: {}",
                self.name,
                describe(json, &err)
            ));
        }
        self.unknown(json, unknown)
    }

    /// The member a payload names by a constant at a path every member
    /// fixes to a string ([`Union::tag_path`]), read off the text; `None`
    /// when the text does not show it plainly, or when the shape path could
    /// choose otherwise even where that member decodes: a tag two members
    /// share, a member with other constants (the payload may contradict
    /// them) or a closed one (the payload may hold keys it does not list).
    /// For the rest, every other member is ruled out by its own constant,
    /// so the shape path takes this one whenever it decodes.
    fn member_by_tag_path(&self, json: &str) -> Option<usize> {
        let path = self.tag_path()?;
        let tag = crate::tag_scan::scan_path(json, path)?;
        let mut named = self
            .shapes
            .iter()
            .enumerate()
            .filter(|(_, shape)| str_const_at(shape, path) == Some(tag));
        let (index, shape) = named.next()?;
        if named.next().is_some() {
            return None;
        }
        match shape {
            Shape::Object {
                consts,
                closed: false,
                ..
            } if consts.len() == 1 => Some(index),
            _ => None,
        }
    }

    /// The first path of the first member's constants that every member
    /// (each an object) fixes to a string, for a union without a
    /// discriminator.
    fn tag_path(&self) -> Option<&'static [&'static str]> {
        if self.discriminator.is_some() {
            return None;
        }
        let Shape::Object { consts, .. } = self.shapes.first()? else {
            return None;
        };
        consts.iter().map(|(path, _)| *path).find(|path| {
            self.shapes
                .iter()
                .all(|shape| str_const_at(shape, path).is_some())
        })
    }

    /// The variant `tag` names, or the unknown variant for a tag this
    /// version does not know.
    fn by_tag<T>(
        &self,
        json: &str,
        property: &str,
        tag: &str,
        variant: &impl Fn(usize, &str) -> Result<T, serde_json::Error>,
        unknown: fn(Value) -> T,
    ) -> Result<T, String> {
        match self.tags.iter().find(|(known, _)| *known == tag) {
            Some((_, index)) => variant(*index, json).map_err(|e| {
                format!(
                    "{} with {property} {tag:?}: {}",
                    self.name,
                    describe(json, &e)
                )
            }),
            None => self.unknown(json, unknown),
        }
    }

    fn unknown<T>(&self, json: &str, unknown: fn(Value) -> T) -> Result<T, String> {
        if is_strict() {
            return Err(format!("{}: would decode as Unknown: {json}", self.name));
        }
        // Kept whole, and only as received: a key twice is an error, as in
        // a typed member, not a silently merged object.
        let value =
            crate::unique_keys::value_from_str(json).map_err(|e| format!("{}: {e}", self.name))?;
        Ok(unknown(value))
    }

    /// The first of [`Union::candidates`], without sorting them all.
    fn best_candidate(&self, peek: &Peek<'_>) -> Option<usize> {
        let mut best: Option<(Score, usize)> = None;
        for (index, shape) in self.shapes.iter().enumerate() {
            if let Some(score) = score(shape, peek) {
                // Strictly better only: ties keep spec order.
                if best.is_none_or(|(top, _)| score > top) {
                    best = Some((score, index));
                }
            }
        }
        best.map(|(_, index)| index)
    }

    /// Variant indexes whose shape fits, best fit first (ties keep spec order).
    fn candidates(&self, peek: &Peek<'_>) -> Vec<usize> {
        let mut scored: Vec<(Score, usize)> = self
            .shapes
            .iter()
            .enumerate()
            .filter_map(|(index, shape)| score(shape, peek).map(|s| (s, index)))
            .collect();
        // Insertion sort, best score first; a member moves only past a
        // strictly lower score, so ties keep spec order. A union has a few
        // dozen members at most, and `sort_by` would compile std's general
        // sort (about 5,000 lines of LLVM IR) into every build of this crate.
        for unsorted in 1..scored.len() {
            let mut at = unsorted;
            while at > 0 && scored[at - 1].0 < scored[at].0 {
                scored.swap(at - 1, at);
                at -= 1;
            }
        }
        scored.into_iter().map(|(_, index)| index).collect()
    }
}

/// The string an object shape fixes at `path`.
fn str_const_at(shape: &Shape, path: &[&str]) -> Option<&'static str> {
    let Shape::Object { consts, .. } = shape else {
        return None;
    };
    consts.iter().find_map(|(at, lit)| match lit {
        Lit::Str(value) if *at == path => Some(*value),
        _ => None,
    })
}

/// Whether a payload holds `lit` at `path`: `Some(true)` it does,
/// `Some(false)` it holds something else there, `None` it holds nothing
/// there (or the path runs through something that is not an object).
fn const_holds(peek: &Peek<'_>, path: &[&str], lit: &Lit) -> Option<bool> {
    Some(match (peek.at(path)?, lit) {
        (Scalar::Str(value), Lit::Str(expected)) => value == expected,
        (Scalar::Bool(value), Lit::Bool(expected)) => value == expected,
        _ => false,
    })
}

/// Whether a payload is recognisably of this shape: an object with every
/// property the shape requires and every constant it fixes, holding the
/// expected values, with at least one of those to go by (a shape that
/// requires nothing and fixes nothing recognises nothing). A member that is
/// itself a union is recognised when one of its own shapes is.
fn recognised(shape: &Shape, peek: &Peek<'_>) -> bool {
    match (shape, peek.kind) {
        (
            Shape::Object {
                required, consts, ..
            },
            Kind::Object,
        ) => {
            (!required.is_empty() || !consts.is_empty())
                && required.iter().all(|property| peek.has(property))
                && consts
                    .iter()
                    .all(|(path, lit)| const_holds(peek, path, lit) == Some(true))
        }
        (Shape::OneOf(shapes), _) => shapes.iter().any(|shape| recognised(shape, peek)),
        _ => false,
    }
}

/// How well a payload fits a shape; larger is better. For objects, in
/// order: constants matched, every required property present, every
/// property present known to the shape, known minus unknown properties,
/// and last the tightest fit: fewest listed properties left out (so `{}`
/// is the member that lists nothing before one whose properties are all
/// optional).
type Score = (u8, usize, bool, bool, i64, i64);

fn score(shape: &Shape, peek: &Peek<'_>) -> Option<Score> {
    let exact = |fits: bool| fits.then_some((2, 0, true, true, 0, 0));
    match (shape, peek.kind) {
        (
            Shape::Object {
                required,
                known,
                consts,
                closed,
            },
            Kind::Object,
        ) => {
            let mut matched = 0;
            for (path, lit) in consts.iter() {
                match const_holds(peek, path, lit) {
                    Some(true) => matched += 1,
                    // A constant contradicted by the payload rules the variant out.
                    Some(false) => return None,
                    None => {}
                }
            }
            let all_required = required.iter().all(|r| peek.has(r));
            let known_present = peek
                .entries
                .iter()
                .filter(|(k, _)| known.contains(&k.as_ref()))
                .count();
            let unknown_present = peek.entries.len() - known_present;
            // A closed member cannot hold a property it does not list:
            // taking it would drop that property.
            if *closed && unknown_present > 0 {
                return None;
            }
            Some((
                1,
                matched,
                all_required,
                unknown_present == 0,
                known_present as i64 - unknown_present as i64,
                known_present as i64 - known.len() as i64,
            ))
        }
        (Shape::OneOf(shapes), _) => shapes.iter().filter_map(|s| score(s, peek)).max(),
        (Shape::StringConst(expected), Kind::String) => {
            (peek.text.as_deref() == Some(*expected)).then_some((4, 0, true, true, 0, 0))
        }
        (Shape::Formatted, Kind::String) => Some((3, 0, true, true, 0, 0)),
        (Shape::String, Kind::String) => exact(true),
        (Shape::Integer, Kind::Integer) => exact(true),
        (Shape::Number, Kind::Integer | Kind::Float) => Some((1, 0, true, true, 0, 0)),
        (Shape::Boolean, Kind::Bool) => exact(true),
        (Shape::Array, Kind::Array) => exact(true),
        (Shape::Null, Kind::Null) => exact(true),
        (Shape::Any, _) => Some((0, 0, false, false, 0, 0)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPES: &[Shape] = &[
        Shape::Object {
            required: &["a"],
            known: &["a", "kind"],
            consts: &[(&["kind"], Lit::Str("first"))],
            closed: false,
        },
        Shape::Object {
            required: &["a", "b"],
            known: &["a", "b"],
            consts: &[],
            closed: false,
        },
        Shape::Integer,
        Shape::Number,
        Shape::StringConst("now"),
        Shape::String,
    ];
    const UNION: Union = Union {
        name: "Test",
        discriminator: None,
        tags: &[],
        shapes: SHAPES,
    };

    fn order(json: &str) -> Vec<usize> {
        let peek = Peek::read(json, UNION.shapes).unwrap();
        let candidates = UNION.candidates(&peek);
        // The variant tried first is the first candidate, found unsorted.
        assert_eq!(
            UNION.best_candidate(&peek),
            candidates.first().copied(),
            "{json}"
        );
        candidates
    }

    #[test]
    fn a_tie_is_won_by_the_first_variant_in_spec_order() {
        let tied = Union {
            shapes: &[Shape::Number, Shape::String, Shape::Number],
            ..UNION
        };
        let peek = Peek::read("1.5", tied.shapes).unwrap();
        assert_eq!(tied.candidates(&peek), vec![0, 2]);
        assert_eq!(tied.best_candidate(&peek), Some(0));
    }

    #[test]
    fn the_next_candidate_decodes_when_the_best_fails() {
        let tried = std::cell::RefCell::new(Vec::new());
        let decoded = UNION
            .decode_str(
                r#"{"a":1,"b":2}"#,
                |index, _| {
                    tried.borrow_mut().push(index);
                    if index == 1 {
                        Err(<serde_json::Error as de::Error>::custom("no"))
                    } else {
                        Ok(index)
                    }
                },
                |_| 99,
            )
            .unwrap();
        assert_eq!((decoded, tried.into_inner()), (0, vec![1, 0]));
    }

    #[test]
    fn object_variants_rank_by_consts_then_required_then_known_keys() {
        assert_eq!(order(r#"{"a":1,"kind":"first"}"#), vec![0, 1]);
        assert_eq!(order(r#"{"a":1,"b":2}"#), vec![1, 0]);
        // A contradicted constant rules the variant out.
        assert_eq!(order(r#"{"a":1,"b":2,"kind":"other"}"#), vec![1]);
    }

    #[test]
    fn scalars_rank_by_kind() {
        assert_eq!(order("1"), vec![2, 3]);
        assert_eq!(order("1.5"), vec![3]);
        assert_eq!(order(r#""now""#), vec![4, 5]);
        assert_eq!(order(r#""later""#), vec![5]);
        assert!(order("true").is_empty());
    }

    #[test]
    fn unknown_discriminator_values_and_misfits_are_kept_raw() {
        let tagged = Union {
            discriminator: Some("kind"),
            tags: &[("first", 0)],
            ..UNION
        };
        let decoded = tagged
            .decode_str(r#"{"kind":"new","x":1}"#, |_, _| Ok(0), |_| 1)
            .unwrap();
        assert_eq!(decoded, 1);
        let decoded = UNION.decode_str("true", |_, _| Ok(0), |_| 1).unwrap();
        assert_eq!(decoded, 1);
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct First {
        a: u8,
        kind: String,
    }

    fn first(index: usize, json: &str) -> Result<u8, serde_json::Error> {
        assert_eq!(index, 0);
        serde_json::from_str::<First>(json).map(|first| first.a)
    }

    #[test]
    fn a_recognised_variant_fails_with_its_error() {
        let only_first = Union {
            shapes: &SHAPES[..1],
            ..UNION
        };
        // Required property and constant present: the error is the variant's.
        let err = only_first
            .decode_str(r#"{"a":"x","kind":"first"}"#, first, |_| 9)
            .unwrap_err();
        assert_eq!(
            err,
            r#"Test: field `a`: invalid type: string "x", expected u8"#
        );
        // Without the constant the payload is not recognisably `First`.
        let decoded = only_first.decode_str(r#"{"a":"x"}"#, first, |_| 9).unwrap();
        assert_eq!(decoded, 9);
    }

    /// Two members alike at the top, told apart by a constant one level
    /// down (`benefit.type`), the second of which accepts anything.
    const GRANTS: Union = Union {
        name: "Grant",
        discriminator: None,
        tags: &[],
        shapes: &[
            Shape::Object {
                required: &["id", "benefit"],
                known: &["id", "benefit", "properties"],
                consts: &[(&["benefit", "type"], Lit::Str("custom"))],
                closed: false,
            },
            Shape::Object {
                required: &["id", "benefit"],
                known: &["id", "benefit", "properties"],
                consts: &[(&["benefit", "type"], Lit::Str("license_keys"))],
                closed: false,
            },
        ],
    };

    #[test]
    fn a_nested_constant_rules_out_the_members_it_contradicts() {
        let json = r#"{"id":1,"properties":{"x":[1,{"type":"custom"}]},
                       "benefit":{"id":2,"type":"license_keys","nested":{"type":"custom"}}}"#;
        let peek = Peek::read(json, GRANTS.shapes).unwrap();
        assert_eq!(GRANTS.candidates(&peek), vec![1]);
        let json = r#"{"id":1,"benefit":{"type":"custom"}}"#;
        let peek = Peek::read(json, GRANTS.shapes).unwrap();
        assert_eq!(GRANTS.candidates(&peek), vec![0]);
        // Without the nested object (or with something else there) both fit.
        for json in [r#"{"id":1}"#, r#"{"id":1,"benefit":null}"#] {
            let peek = Peek::read(json, GRANTS.shapes).unwrap();
            assert_eq!(GRANTS.candidates(&peek), vec![0, 1], "{json}");
        }
        // A recognised member reports its own error, nested constant included.
        let err = GRANTS
            .decode_str(
                r#"{"id":1,"benefit":{"type":"license_keys"}}"#,
                |_, json| serde_json::from_str::<First>(json).map(|f| f.a),
                |_| 0,
            )
            .unwrap_err();
        assert!(err.starts_with("Grant: missing field"), "{err}");
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct GrantBody {
        id: u8,
        benefit: BenefitBody,
        #[serde(default)]
        properties: Option<Value>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct BenefitBody {
        #[serde(rename = "type")]
        kind: String,
    }

    #[derive(Debug, PartialEq)]
    enum Decoded {
        Member(usize, GrantBody),
        Unknown(Value),
    }

    /// A member decoder as generated ones behave: a key twice at any depth
    /// is an error, unlisted keys are ignored, the constant's property
    /// takes any string.
    fn grant(index: usize, json: &str) -> Result<Decoded, serde_json::Error> {
        crate::unique_keys::from_str_unique_keys(json).map(|g| Decoded::Member(index, g))
    }

    #[test]
    fn a_tag_at_a_path_every_member_fixes_decides_as_the_shapes_would() {
        let with_shapes = |first: Shape| Union {
            shapes: &*Box::leak(Box::new([first, GRANTS.shapes[1]])),
            ..GRANTS
        };
        let closed = with_shapes(Shape::Object {
            required: &["id", "benefit"],
            known: &["id", "benefit", "properties"],
            consts: &[(&["benefit", "type"], Lit::Str("custom"))],
            closed: true,
        });
        let two_consts = with_shapes(Shape::Object {
            required: &["id", "benefit"],
            known: &["id", "benefit", "properties"],
            consts: &[
                (&["benefit", "type"], Lit::Str("custom")),
                (&["benefit", "scope"], Lit::Str("all")),
            ],
            closed: false,
        });
        let shared_tag = with_shapes(GRANTS.shapes[1]);
        let cases = [
            r#"{"id":1,"benefit":{"type":"custom"}}"#,
            r#"{"id":2,"benefit":{"type":"license_keys","id":3},"properties":{"k":[1]}}"#,
            r#"{"benefit":{"type":"custom","scope":"some"},"id":4,"extra":true}"#,
            r#"{"id":5,"benefit":{"type":"new_kind"}}"#,
            r#"{"id":6,"benefit":{"type":"custom"},"properties":{"a":1,"a":2}}"#,
            r#"{"id":7,"benefit":{"type":"custom","type":"license_keys"}}"#,
            r#"{"id":"8","benefit":{"type":"custom"}}"#,
        ];
        let replacements = b"{}[]\",:\\ ae1-";
        let mut fast = 0;
        for union in [GRANTS, closed, two_consts, shared_tag] {
            for json in cases {
                for i in 0..=json.len() {
                    for &r in replacements {
                        let mut bytes = json.as_bytes().to_vec();
                        if i < bytes.len() {
                            bytes[i] = r;
                        }
                        let Ok(text) = String::from_utf8(bytes) else {
                            continue;
                        };
                        let whole = union.decode_str(&text, grant, Decoded::Unknown);
                        let by_shape = union.decode_by_shape(&text, &grant, Decoded::Unknown);
                        assert_eq!(whole, by_shape, "{text}");
                        if union.member_by_tag_path(&text).is_some() && whole.is_ok() {
                            fast += 1;
                        }
                    }
                }
            }
        }
        // The texts the tag decided are many, not a corner.
        assert!(fast > 300, "{fast}");
        // Only the union whose members fix nothing else and stay open, with
        // a tag each of their own, takes the path at all.
        let json = r#"{"id":1,"benefit":{"type":"custom"}}"#;
        assert_eq!(GRANTS.member_by_tag_path(json), Some(0));
        for union in [closed, two_consts, shared_tag] {
            assert_eq!(union.member_by_tag_path(json), None);
        }
        assert_eq!(GRANTS.tag_path(), Some(&["benefit", "type"][..]));
        assert_eq!(UNION.tag_path(), None);
    }

    #[test]
    fn members_that_account_for_every_key_come_first_and_closed_ones_take_no_others() {
        let union = Union {
            name: "Update",
            discriminator: None,
            tags: &[],
            shapes: &[
                // Everything optional, open.
                Shape::Object {
                    required: &[],
                    known: &["cancel"],
                    consts: &[],
                    closed: false,
                },
                Shape::Object {
                    required: &[],
                    known: &["cancel", "reason"],
                    consts: &[],
                    closed: false,
                },
                // Everything optional, closed.
                Shape::Object {
                    required: &[],
                    known: &["pause"],
                    consts: &[],
                    closed: true,
                },
            ],
        };
        let order = |json: &str| union.candidates(&Peek::read(json, union.shapes).unwrap());
        assert_eq!(order(r#"{"cancel":true,"reason":"x"}"#), vec![1, 0]);
        assert_eq!(order(r#"{"pause":true}"#), vec![2, 0, 1]);
        assert_eq!(order(r#"{"pause":true,"resume":true}"#), vec![0, 1]);
        // Nothing to go by but the fit: the member listing the fewest
        // properties the payload leaves out first.
        assert_eq!(order("{}"), vec![0, 2, 1]);
    }

    #[test]
    fn a_formatted_string_is_tried_before_a_plain_one() {
        let union = Union {
            shapes: &[Shape::String, Shape::Integer, Shape::Formatted],
            ..UNION
        };
        let peek = Peek::read(r#""2026-04-16T12:30:00Z""#, union.shapes).unwrap();
        assert_eq!(union.candidates(&peek), vec![2, 0]);
        // The plain string still decodes what the formatted one refuses.
        let decoded = union
            .decode_str(
                r#""text""#,
                |index, json| {
                    let text: String = serde_json::from_str(json)?;
                    match index {
                        2 if !text.starts_with("20") => {
                            Err(<serde_json::Error as de::Error>::custom("not a time"))
                        }
                        _ => Ok(index),
                    }
                },
                |_| 9,
            )
            .unwrap();
        assert_eq!(decoded, 0);
    }
}
