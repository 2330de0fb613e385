//! Generator inputs for robustness tests, shared by the property test
//! (`tests/generator_mutations.rs`, seeded) and the `generator` fuzz target
//! (`fuzz/fuzz_targets/generator.rs`, fuzz bytes): mutations of a document
//! and small documents whose shapes the choices pick. Not part of the
//! generator; hidden from its docs.

mod documents;
mod mutations;

pub use documents::small_document;
pub use mutations::{mutate, upper_snake};

/// Where a test's choices come from: a seeded generator or fuzz bytes.
pub trait Choices {
    /// A number in `0..n` (`0` when `n` is `0`).
    fn below(&mut self, n: usize) -> usize;

    /// `true` about once in `n` times.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items` (which is not empty).
    fn pick<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// xorshift64*: small, seeded, deterministic.
#[derive(Debug, Clone)]
pub struct Xorshift(u64);

impl Xorshift {
    pub fn new(seed: u64) -> Self {
        Xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Choices for Xorshift {
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Choices read from bytes, one byte each (two when `n` exceeds 256); `0`
/// once they run out, so every input makes a document and a short input a
/// small one.
#[derive(Debug, Clone)]
pub struct ByteChoices<'a>(&'a [u8]);

impl<'a> ByteChoices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        ByteChoices(bytes)
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> usize {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                usize::from(*first)
            }
            None => 0,
        }
    }
}

impl Choices for ByteChoices<'_> {
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let raw = if n > 256 {
            self.byte() << 8 | self.byte()
        } else {
            self.byte()
        };
        raw % n
    }
}

/// The `generator` fuzz target's input: the bytes choose a small
/// document's shapes, then up to three mutations (choices read `0` once the
/// bytes run out). Returns the document's JSON and what the mutations did;
/// replays a fuzz finding (`fuzz/artifacts/generator/`).
pub fn document_from_bytes(data: &[u8]) -> (String, Vec<String>) {
    let mut choices = ByteChoices::new(data);
    let mut doc = small_document(&mut choices);
    let mutations = (0..choices.below(4))
        .map(|_| mutate(&mut doc, &mut choices))
        .collect();
    (doc.to_string(), mutations)
}

/// What [`check_generator`] saw `generate` do with a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Generated this many Rust files, each of which parses.
    Generated(usize),
    /// Refused the document with this error.
    Refused(String),
}

/// The property every document keeps: `generate` returns (the caller
/// catches a panic and bounds the time and stack), either refusing the
/// document with an error or generating files whose Rust parses. `Err`
/// says how it broke: a file that `syn::parse_file` refuses, or
/// [`crate::Error::Emit`] (the generator's own check that its output is
/// Rust, a generator bug by its own account).
pub fn check_generator(text: &str) -> Result<Outcome, String> {
    check(crate::generate(text, &crate::Settings::default()))
}

/// [`check_generator`] without pretty-printing: stages 1–3, then each
/// file's tokens parsed as a `syn::File` (the parse stage 4 starts with,
/// which makes [`crate::Error::Emit`]), on the calling thread. About twice
/// as fast, for the `generator` fuzz target; what it does not check is
/// what only the printed text shows (a bare carriage return in a `///`
/// line: regression 3), and a panic in `prettyplease`, so the fuzz corpus
/// is replayed through [`check_generator`] too (`fuzz/run.sh`).
pub fn check_generator_unformatted(text: &str) -> Result<Outcome, String> {
    let run = crate::Run {
        stage4: crate::format::Stage4::ParseOnly,
        parallel: false,
    };
    check(
        crate::spec::parse(text)
            .map_err(crate::Error::from)
            .and_then(|spec| crate::generate_single(&spec, &crate::Settings::default(), run)),
    )
}

/// The property over what `generate` returned; the files' texts are
/// parsed again unless empty (not printed).
fn check(generated: Result<crate::Files, crate::Error>) -> Result<Outcome, String> {
    match generated {
        Ok(files) => {
            let mut rust = 0;
            for (path, contents) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
                if contents.is_empty() {
                    rust += 1;
                    continue;
                }
                syn::parse_file(contents)
                    .map_err(|error| format!("generated {path} does not parse: {error}"))?;
                rust += 1;
            }
            Ok(Outcome::Generated(rust))
        }
        Err(error @ crate::Error::Emit { .. }) => Err(error.to_string()),
        Err(error) => Ok(Outcome::Refused(error.to_string())),
    }
}
