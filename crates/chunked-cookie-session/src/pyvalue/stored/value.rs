//! Values and maps into the stored form; the typed values kept as the tags they are.

use serde::Serialize;
use serde::ser::{self, Serializer};
use serde_json::value::Serializer as JsonSerializer;
use serde_json::{Error, Map, Value};

use super::key::Key;
use crate::pyvalue::plain::stored_object;

/// The private name a typed value's serde form carries.
pub(crate) const TYPED: &str = "$chunked_cookie_session::private::Typed";

/// The stored form of `value`, as a session entry holds it.
///
/// # Errors
///
/// What serde_json's own `to_value` refuses (a map whose keys are not strings, a typed
/// value that cannot be written).
pub(crate) fn to_stored<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value.serialize(Stored)
}

/// A typed value's serde form: its stored JSON, marked as such.
#[cfg(any(test, feature = "flask"))]
pub(crate) struct Typed(pub(crate) Value);

#[cfg(any(test, feature = "flask"))]
impl Serialize for Typed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(TYPED, &self.0)
    }
}

/// The serializer into the stored form.
struct Stored;

/// Scalars are what serde_json makes of them.
macro_rules! scalars {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(fn $method(self, value: $type) -> Result<Value, Error> {
            JsonSerializer.$method(value)
        })*
    };
}

impl Serializer for Stored {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Items;
    type SerializeTuple = Items;
    type SerializeTupleStruct = Items;
    type SerializeTupleVariant = Items;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Object;

    scalars!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
    );

    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(Value::String(variant.to_owned()))
    }

    /// A typed value is stored as it stands; any other newtype is its content.
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        if name == TYPED {
            serde_json::to_value(value)
        } else {
            value.serialize(self)
        }
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        Ok(stored_object(Map::from_iter([(
            variant.to_owned(),
            value.serialize(self)?,
        )])))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Items, Error> {
        Ok(Items::new(None, len.unwrap_or(0)))
    }

    fn serialize_tuple(self, len: usize) -> Result<Items, Error> {
        Ok(Items::new(None, len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Items, Error> {
        Ok(Items::new(None, len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Items, Error> {
        Ok(Items::new(Some(variant), len))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Object, Error> {
        Ok(Object::new(None))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object, Error> {
        Ok(Object::new(None))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object, Error> {
        Ok(Object::new(Some(variant)))
    }
}

/// `{variant: value}` for an enum's variant, the value itself when there is none.
fn in_variant(variant: Option<&'static str>, value: Value) -> Value {
    match variant {
        Some(variant) => stored_object(Map::from_iter([(variant.to_owned(), value)])),
        None => value,
    }
}

/// The items of an array (a sequence, a tuple, a tuple variant's fields).
struct Items {
    variant: Option<&'static str>,
    items: Vec<Value>,
}

impl Items {
    fn new(variant: Option<&'static str>, len: usize) -> Items {
        Items {
            variant,
            items: Vec::with_capacity(len),
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(Stored)?);
        Ok(())
    }

    fn finish(self) -> Result<Value, Error> {
        Ok(in_variant(self.variant, Value::Array(self.items)))
    }
}

/// The four kinds of array serde knows, one body.
macro_rules! items {
    ($($kind:ident::$method:ident),* $(,)?) => {
        $(impl ser::$kind for Items {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Value, Error> {
                self.finish()
            }
        })*
    };
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

/// The entries of an object (a map, a struct, a struct variant's fields).
struct Object {
    variant: Option<&'static str>,
    map: Map<String, Value>,
    key: Option<String>,
}

impl Object {
    fn new(variant: Option<&'static str>) -> Object {
        Object {
            variant,
            map: Map::new(),
            key: None,
        }
    }

    fn finish(self) -> Result<Value, Error> {
        Ok(in_variant(self.variant, stored_object(self.map)))
    }
}

impl ser::SerializeMap for Object {
    type Ok = Value;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(Key)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("a map value without its key"))?;
        self.map.insert(key, value.serialize(Stored)?);
        Ok(())
    }

    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

/// The two kinds of struct serde knows, one body.
macro_rules! fields {
    ($($kind:ident),* $(,)?) => {
        $(impl ser::$kind for Object {
            type Ok = Value;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.map.insert(key.to_owned(), value.serialize(Stored)?);
                Ok(())
            }
            fn end(self) -> Result<Value, Error> {
                self.finish()
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::pyvalue::plain::escape;

    #[derive(Serialize)]
    enum Shape {
        Unit,
        New(BTreeMap<&'static str, u8>),
        Pair(u8, u8),
        Named { x: u8 },
    }

    #[derive(Serialize)]
    struct Record {
        name: &'static str,
        shapes: Vec<Shape>,
        lone: BTreeMap<&'static str, Option<f64>>,
        numbers: BTreeMap<i32, bool>,
    }

    /// Plain values are stored as serde_json makes them, then escaped.
    #[test]
    fn plain_values_are_what_serde_json_makes_escaped() {
        let record = Record {
            name: "r",
            shapes: vec![
                Shape::Unit,
                Shape::New(BTreeMap::from([(" t", 1)])),
                Shape::Pair(1, 2),
                Shape::Named { x: 3 },
            ],
            lone: BTreeMap::from([(" m", Some(0.5))]),
            numbers: BTreeMap::from([(-1, true), (2, false)]),
        };
        let json = serde_json::to_value(&record).expect("serializable");
        assert_eq!(to_stored(&record).expect("serializable"), escape(json));
        assert_eq!(
            to_stored(&json!({" b": [{" u": 1}]})).expect("a value"),
            json!({" di": {" b__": [{" di": {" u__": 1}}]}})
        );
        assert!(to_stored(&BTreeMap::from([((1, 2), 3)])).is_err());
        assert!(to_stored(&BTreeMap::from([(vec![1], 3)])).is_err());
    }

    #[test]
    fn a_typed_value_is_stored_as_it_stands() {
        let typed = Typed(json!({" m": "<b>"}));
        assert_eq!(to_stored(&typed).expect("a value"), json!({" m": "<b>"}));
        assert_eq!(
            to_stored(&vec![Typed(json!({" t": [1]})), Typed(json!(2))]).expect("a value"),
            json!([{" t": [1]}, 2])
        );
        // Other serializers see its tagged JSON.
        assert_eq!(
            serde_json::to_value(&typed).expect("a value"),
            json!({" m": "<b>"})
        );
    }
}
