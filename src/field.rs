//! `Field<T>`: absent, null or a value, kept apart.
//!
//! Two places need all three states: a key field a server does not have at all is left out of
//! the JSON while an empty one is `null` (docs/interfaces.md); and in an update, "not given"
//! keeps a value while `null` clears it (JIM's `-ExpiresAt $null`, contracts-jim.md section 5).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Present(T),
}

impl<T> Field<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    pub fn as_option(&self) -> Option<&T> {
        match self {
            Field::Present(v) => Some(v),
            _ => None,
        }
    }

    /// `Present` for `Some`, `Null` for `None`: a field the server has, maybe empty.
    pub fn from_nullable(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Present)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Present(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

/// Use with `#[serde(default)]`: a missing key stays `Absent`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Field::from_nullable)
    }
}
