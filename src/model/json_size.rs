//! The length of a value's compact JSON form, as `serde_json` writes it, and a hash of the value,
//! worked out in one walk without writing the text.
//!
//! Validation counts a build definition's size by the JSON form of each instruction and tells steps
//! apart by what they hold. Writing each instruction's JSON to measure it spent most of validation's
//! time escaping strings byte by byte; here a string's length is its bytes plus what escaping adds,
//! found by one scan, and the hash is fed the same walk. Only the length claims to match
//! `serde_json` (tested below against it); the hash is an identity for telling values apart, with no
//! meaning outside one validation.

use serde::ser::{self, Serialize};
use std::fmt;

/// What one walk of a value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JsonSize {
    /// The bytes of the compact JSON form.
    pub(crate) len: usize,
    /// A hash of the value (equal values hash the same).
    pub(crate) hash: u64,
}

impl JsonSize {
    /// Measures `value`. A value `serde_json` could not write (a map key that is no string or
    /// number) counts what was measured before it.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> JsonSize {
        let mut walk = Walk { len: 0, hash: SEED };
        let _ = value.serialize(&mut walk);
        JsonSize { len: walk.len, hash: walk.hash }
    }
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

/// A hash of `link` after `parent`: what validation chains steps with.
pub(crate) fn chain(parent: u64, link: u64) -> u64 {
    mix(mix(SEED, parent), link)
}

fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER)
}

/// How many bytes `serde_json` writes for `text` as a JSON string: its quotes, its bytes, and two
/// bytes for each of `"`, `\` and the short-escaped controls, six for other controls (`\u001f`).
fn string_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut escapes = 0;
    for chunk in &mut chunks {
        escapes |= escapes_in(word(chunk));
    }
    escapes |= escapes_in(word(chunks.remainder()));
    escaped_len(text, escapes)
}

/// [`string_len`], once the words of `text` told whether anything in it is escaped.
fn escaped_len(text: &str, escapes: u64) -> usize {
    // Most strings have nothing to escape.
    if escapes == 0 {
        return text.len() + 2;
    }
    let extra: usize = text
        .bytes()
        .map(|byte| match byte {
            b'"' | b'\\' | b'\x08' | b'\x0c' | b'\n' | b'\r' | b'\t' => 1,
            0x00..=0x1f => 5,
            _ => 0,
        })
        .sum();
    text.len() + extra + 2
}

/// Up to eight bytes as a little-endian word; missing bytes are `a`, which nothing escapes.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [b'a'; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// Not zero when one of the eight bytes of `word` is escaped in JSON: a control character (below
/// 0x20), `"` or `\`. Each test is the exact "some byte is below n" of eight bytes at once (a
/// borrow between bytes only starts at a byte that is below n itself).
fn escapes_in(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, n: u64| word.wrapping_sub(ONES * n) & !word & HIGH;
    below(word, 0x20) | below(word ^ (ONES * u64::from(b'"')), 1) | below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// The decimal digits of `n`.
fn digits(mut n: u128) -> usize {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

fn signed_len(n: i128) -> usize {
    usize::from(n < 0) + digits(n.unsigned_abs())
}

struct Walk {
    len: usize,
    hash: u64,
}

impl Walk {
    fn add(&mut self, len: usize, tag: u64) {
        self.len += len;
        self.hash = mix(self.hash, tag);
    }

    /// A string: its length and its hash in one pass over its words (the length is hashed too, so
    /// the padding of the last word tells nothing apart).
    fn string(&mut self, text: &str) {
        let mut hash = mix(self.hash, text.len() as u64);
        let mut escapes = 0;
        let mut chunks = text.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let word = word(chunk);
            escapes |= escapes_in(word);
            hash = mix(hash, word);
        }
        let last = word(chunks.remainder());
        escapes |= escapes_in(last);
        self.hash = mix(hash, last);
        self.len += escaped_len(text, escapes);
    }

    /// A name the type gives (a field's or a variant's): a `'static` text, told apart by where it is.
    fn name(&mut self, name: &'static str) {
        self.add(string_len(name), name.as_ptr() as u64 ^ ((name.len() as u64) << 48));
    }

    fn unsigned(&mut self, n: u128) {
        self.add(digits(n), n as u64 ^ 0x75);
    }

    fn signed(&mut self, n: i128) {
        self.add(signed_len(n), n as u64 ^ 0x69);
    }

    /// `{"variant":` before a variant's content; the `}` after it is added by its end.
    fn variant_open(&mut self, variant: &'static str) {
        self.add(2, 0x7b);
        self.name(variant);
    }
}

/// The error of a value `serde_json` could not write either.
#[derive(Debug)]
pub(crate) struct Unwritable(String);

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unwritable {}

impl ser::Error for Unwritable {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Unwritable(message.to_string())
    }
}

/// The integer methods of a serializer: each runs `$body` with the serializer and the value.
macro_rules! integers {
    ($($($method:ident: $type:ty),+ => |$this:ident, $v:ident| $body:expr;)+) => {
        $($(
            // (`.into()` widens all but the widest, for which it is the same type.)
            #[allow(clippy::useless_conversion)]
            fn $method(self, $v: $type) -> Result<(), Unwritable> {
                let $this = self;
                $body;
                Ok(())
            }
        )+)+
    };
}

impl<'a> ser::Serializer for &'a mut Walk {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unwritable> {
        self.add(if v { 4 } else { 5 }, 0x62 ^ (u64::from(v) << 8));
        Ok(())
    }
    integers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128
            => |walk, v| walk.signed(v.into());
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128
            => |walk, v| walk.unsigned(v.into());
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unwritable> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unwritable> {
        // The model holds no floating-point numbers; one written by serde_json is measured by it.
        let len = serde_json::to_vec(&v).map_or(4, |text| text.len());
        self.add(len, v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Unwritable> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unwritable> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unwritable> {
        // An array of numbers.
        let mut seq = ser::Serializer::serialize_seq(self, Some(v.len()))?;
        for byte in v {
            ser::SerializeSeq::serialize_element(&mut seq, byte)?;
        }
        ser::SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result<(), Unwritable> {
        self.add(4, 0x6e);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unwritable> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unwritable> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Unwritable> {
        self.name(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Unwritable> {
        self.variant_open(variant);
        value.serialize(&mut *self)?;
        self.add(1, 0x7d);
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, None, 0x5b))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, Some(variant), 0x5b))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, None, 0x7b))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Unwritable> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unwritable> {
        Ok(Compound::open(self, Some(variant), 0x7b))
    }
}

/// A sequence, map or struct being measured: its brackets are counted when it opens, a comma before
/// every element but the first, and a variant's closing `}` at its end.
pub(crate) struct Compound<'a> {
    walk: &'a mut Walk,
    first: bool,
    variant: bool,
}

impl<'a> Compound<'a> {
    /// Opens a compound whose brackets are `bracket` (`[` or `{`, counted with the closing one), inside
    /// `{"variant":…}` for a variant's.
    fn open(walk: &'a mut Walk, variant: Option<&'static str>, bracket: u64) -> Self {
        if let Some(variant) = variant {
            walk.variant_open(variant);
        }
        walk.add(2, bracket);
        Compound { walk, first: true, variant: variant.is_some() }
    }

    fn separator(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.walk.add(1, 0x2c);
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        self.separator();
        value.serialize(&mut *self.walk)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unwritable> {
        self.separator();
        self.walk.name(key);
        self.walk.add(1, 0x3a);
        value.serialize(&mut *self.walk)
    }

    fn end(self) -> Result<(), Unwritable> {
        self.walk.add(0, 0x5d);
        if self.variant {
            self.walk.add(1, 0x7d);
        }
        Ok(())
    }
}

/// The compounds whose parts are elements (sequences and tuples) or named fields (structs).
macro_rules! compounds {
    ($($kind:ident: $method:ident($($key:ident: $key_type:ty,)?) => $part:ident;)+) => {
        $(
            impl ser::$kind for Compound<'_> {
                type Ok = ();
                type Error = Unwritable;
                fn $method<T: Serialize + ?Sized>(&mut self, $($key: $key_type,)? value: &T) -> Result<(), Unwritable> {
                    self.$part($($key,)? value)
                }
                fn end(self) -> Result<(), Unwritable> {
                    Compound::end(self)
                }
            }
        )+
    };
}

compounds! {
    SerializeSeq: serialize_element() => element;
    SerializeTuple: serialize_element() => element;
    SerializeTupleStruct: serialize_field() => element;
    SerializeTupleVariant: serialize_field() => element;
    SerializeStruct: serialize_field(key: &'static str,) => field;
    SerializeStructVariant: serialize_field(key: &'static str,) => field;
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unwritable> {
        self.separator();
        key.serialize(Key { walk: &mut *self.walk })?;
        self.walk.add(1, 0x3a);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        value.serialize(&mut *self.walk)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

/// A map key: JSON keys are strings, so `serde_json` quotes numbers and booleans, and refuses
/// anything else.
struct Key<'a> {
    walk: &'a mut Walk,
}

impl Key<'_> {
    fn quoted(self, len: usize, tag: u64) -> Result<(), Unwritable> {
        self.walk.add(len + 2, tag);
        Ok(())
    }

    fn refused<T>() -> Result<T, Unwritable> {
        Err(Unwritable("key must be a string".into()))
    }
}

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = ser::Impossible<(), Unwritable>;
    type SerializeTuple = ser::Impossible<(), Unwritable>;
    type SerializeTupleStruct = ser::Impossible<(), Unwritable>;
    type SerializeTupleVariant = ser::Impossible<(), Unwritable>;
    type SerializeMap = ser::Impossible<(), Unwritable>;
    type SerializeStruct = ser::Impossible<(), Unwritable>;
    type SerializeStructVariant = ser::Impossible<(), Unwritable>;

    fn serialize_bool(self, v: bool) -> Result<(), Unwritable> {
        self.quoted(if v { 4 } else { 5 }, 0x62 ^ (u64::from(v) << 8))
    }
    integers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128
            => |key, v| key.quoted(signed_len(v.into()), v as u64)?;
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128
            => |key, v| key.quoted(digits(v.into()), v as u64)?;
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_char(self, v: char) -> Result<(), Unwritable> {
        self.walk.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unwritable> {
        self.walk.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_none(self) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_unit(self) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Unwritable> {
        self.walk.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Unwritable> {
        Key::refused()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Unwritable> {
        Key::refused()
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Unwritable> {
        Key::refused()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Unwritable> {
        Key::refused()
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Unwritable> {
        Key::refused()
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Unwritable> {
        Key::refused()
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Unwritable> {
        Key::refused()
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Unwritable> {
        Key::refused()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// Every shape serde has.
    #[derive(Debug, Clone, Serialize)]
    enum Shape {
        Unit,
        Newtype(String),
        Tuple(u8, i64),
        Struct {
            name: String,
            flag: bool,
            #[serde(skip_serializing_if = "Option::is_none")]
            maybe: Option<u32>,
        },
    }

    #[derive(Debug, Clone, Serialize)]
    struct Everything {
        text: String,
        ch: char,
        small: i8,
        big: u128,
        negative: i128,
        list: Vec<Shape>,
        by_name: BTreeMap<String, Vec<String>>,
        by_number: BTreeMap<u16, bool>,
        by_signed: BTreeMap<i32, ()>,
        by_flag: BTreeMap<bool, Option<String>>,
        pair: (u64, String),
        #[serde(with = "serde_bytes_as_seq")]
        bytes: Vec<u8>,
        unit: (),
        nothing: Option<String>,
    }

    mod serde_bytes_as_seq {
        pub fn serialize<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(bytes)
        }
    }

    fn json_len<T: Serialize>(value: &T) -> usize {
        serde_json::to_vec(value).expect("serde_json writes it").len()
    }

    #[test]
    fn strings_with_every_ascii_byte_and_beyond_measure_as_serde_json_writes_them() {
        let every: String = (0u8..=0x7f).map(char::from).collect();
        for text in [String::new(), every, "é ü 中文 🦀 \u{2028}".into(), "a\"b\\c\u{7f}".into()] {
            assert_eq!(JsonSize::of(&text).len, json_len(&text), "{text:?}");
        }
    }

    #[test]
    fn every_ascii_character_at_every_place_of_a_word_measures_as_serde_json_writes_it() {
        let others = ['\u{7f}', '\u{80}', 'é', '\u{2028}', '🦀'];
        for c in (0u8..0x80).map(char::from).chain(others) {
            for len in 1..=17 {
                for at in 0..len {
                    let text: String = (0..len).map(|i| if i == at { c } else { 'x' }).collect();
                    assert_eq!(JsonSize::of(&text).len, json_len(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn every_serde_shape_measures_as_serde_json_writes_it() {
        let value = Everything {
            text: "line\nnext\t\"q\"".into(),
            ch: '"',
            small: i8::MIN,
            big: u128::MAX,
            negative: i128::MIN,
            list: vec![
                Shape::Unit,
                Shape::Newtype("n".into()),
                Shape::Tuple(0, -10),
                Shape::Struct { name: "s".into(), flag: false, maybe: None },
                Shape::Struct { name: String::new(), flag: true, maybe: Some(4_000_000_000) },
            ],
            by_name: BTreeMap::from([("k\u{1}".into(), vec!["v".into()]), ("".into(), Vec::new())]),
            by_number: BTreeMap::from([(0, true), (65535, false)]),
            by_signed: BTreeMap::from([(-7, ()), (i32::MAX, ())]),
            by_flag: BTreeMap::from([(true, None), (false, Some("x".into()))]),
            pair: (u64::MAX, "p".into()),
            bytes: vec![0, 9, 10, 255],
            unit: (),
            nothing: None,
        };
        assert_eq!(JsonSize::of(&value).len, json_len(&value));
        assert_eq!(JsonSize::of(&Vec::<u8>::new()).len, json_len(&Vec::<u8>::new()));
        assert_eq!(JsonSize::of(&BTreeMap::<String, u8>::new()).len, json_len(&BTreeMap::<String, u8>::new()));
    }

    #[test]
    fn model_instructions_measure_as_serde_json_writes_them() {
        use crate::model::{
            Arg, Command, Copy, Env, Instruction, Label, LabelKey, Line, Mount, Raw, Run, Source, Value, VarName,
        };
        let run = Instruction::Run(Run::new(Command::shell("apt-get install -y \"a b\" \\\n && echo $X").unwrap()));
        let exec = Instruction::Run(Run::new(Command::exec(["/bin/sh", "-c", "echo \u{1b}[1m"]).unwrap()));
        let mut cached = Run::new(Command::shell("pip install -r r.txt").unwrap());
        cached.mounts.push(Mount::cache(crate::model::FlagValue::new("/root/.cache/pip").unwrap()));
        let var = VarName::new("PATH").unwrap();
        let env =
            Env { vars: [(var.clone(), Value::template("/opt/venv/bin:${PATH}").unwrap())].into_iter().collect() };
        let label = Label {
            labels: [(LabelKey::new("org.opencontainers.image.title").unwrap(), Value::literal("a \"b\"").unwrap())]
                .into_iter()
                .collect(),
        };
        let arg = Arg { name: var, default: Some(Value::literal("x").unwrap()) };
        let copy = Copy::new(
            vec![Source::path("src/").unwrap(), Source::literal("it's.txt").unwrap()],
            Line::new("/app/").unwrap(),
        );
        let raw = Instruction::Raw(Raw::new("MAINTAINER", "ops@example.com").unwrap());
        let all = [
            run,
            exec,
            Instruction::Run(cached),
            Instruction::Env(env),
            Instruction::Label(label),
            Instruction::Arg(arg),
            Instruction::Copy(copy),
            raw,
        ];
        for instruction in all {
            assert_eq!(JsonSize::of(&instruction).len, json_len(&instruction));
        }
    }

    #[test]
    fn equal_values_hash_the_same_and_different_ones_differently() {
        let a = Shape::Struct { name: "a".into(), flag: true, maybe: None };
        assert_eq!(JsonSize::of(&a), JsonSize::of(&a.clone()));
        let pairs = [
            (Shape::Newtype("ab".into()), Shape::Newtype("ba".into())),
            (Shape::Tuple(1, 2), Shape::Tuple(2, 1)),
            (Shape::Newtype("12345678x".into()), Shape::Newtype("12345678y".into())),
            (Shape::Newtype(String::new()), Shape::Unit),
        ];
        for (left, right) in pairs {
            assert_ne!(JsonSize::of(&left).hash, JsonSize::of(&right).hash, "{left:?} {right:?}");
        }
        assert_ne!(chain(1, 2), chain(2, 1));
    }

    proptest! {
        #[test]
        fn any_strings_and_numbers_measure_as_serde_json_writes_them(
            texts in proptest::collection::vec(any::<String>(), 0..4),
            numbers in proptest::collection::btree_map(any::<i64>(), any::<u64>(), 0..4),
        ) {
            let value = (texts, numbers);
            prop_assert_eq!(JsonSize::of(&value).len, json_len(&value));
        }
    }
}
