//! The Rust side of HyperQL types: how a value is held while an expression is
//! evaluated (a view: `&str`, `&[f32]`, or a `Copy` scalar) and when it is stored
//! (owned: `String`, `Vec<f32>`).

use crate::schema::FieldType;
use proc_macro2::TokenStream;
use quote::quote;

/// The type of a compiled expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RTy {
    Bool,
    Int,
    Float,
    Str,
    Ts,
    Vector(Option<usize>),
    /// The `NULL` literal.
    Null,
}

impl RTy {
    pub(crate) fn of_field(t: FieldType) -> RTy {
        match t {
            FieldType::String => RTy::Str,
            FieldType::Int => RTy::Int,
            FieldType::Float => RTy::Float,
            FieldType::Bool => RTy::Bool,
            FieldType::Timestamp => RTy::Ts,
            FieldType::Vector(n) => RTy::Vector(Some(n)),
        }
    }

    pub(crate) fn of_type(t: hyperql::Type) -> Option<RTy> {
        use hyperql::Type;
        Some(match t {
            Type::Bool => RTy::Bool,
            Type::Int => RTy::Int,
            Type::Float => RTy::Float,
            Type::String => RTy::Str,
            Type::Timestamp => RTy::Ts,
            Type::Vector(n) => RTy::Vector(n),
            _ => return None,
        })
    }

    /// The stored (owned) Rust type.
    pub(crate) fn owned(self, nullable: bool) -> TokenStream {
        let t = match self {
            RTy::Bool => quote!(bool),
            RTy::Int | RTy::Ts => quote!(i64),
            RTy::Float => quote!(f64),
            RTy::Str => quote!(::std::string::String),
            RTy::Vector(_) => quote!(::std::vec::Vec<f32>),
            RTy::Null => quote!(()),
        };
        if nullable || self == RTy::Null {
            quote!(::std::option::Option<#t>)
        } else {
            t
        }
    }

    /// The view of an owned place: `x.as_str()`, `x.as_deref()`, or `x`.
    pub(crate) fn view(self, place: TokenStream, nullable: bool) -> TokenStream {
        match (self, nullable) {
            (RTy::Str, false) => quote!(#place.as_str()),
            (RTy::Vector(_), false) => quote!(#place.as_slice()),
            (RTy::Str | RTy::Vector(_), true) => quote!(#place.as_deref()),
            _ => place,
        }
    }

    /// The owned value of a view expression.
    pub(crate) fn to_owned(self, view: TokenStream, nullable: bool) -> TokenStream {
        match (self, nullable) {
            (RTy::Str, false) => quote!(#view.to_owned()),
            (RTy::Vector(_), false) => quote!(#view.to_vec()),
            (RTy::Str, true) => quote!(#view.map(::std::borrow::ToOwned::to_owned)),
            (RTy::Vector(_), true) => quote!(#view.map(<[f32]>::to_vec)),
            _ => view,
        }
    }

    pub(crate) fn numeric(self) -> bool {
        matches!(self, RTy::Int | RTy::Float)
    }

    /// Appends the encoding of a view `v` (non-null) to encoder `e`.
    pub(crate) fn encode(self, e: &TokenStream, v: TokenStream) -> TokenStream {
        match self {
            RTy::Bool => quote!(#e.bool(#v);),
            RTy::Int | RTy::Ts => quote!(#e.i64(#v);),
            RTy::Float => quote!(#e.f64(#v);),
            RTy::Str => quote!(#e.str(#v);),
            RTy::Vector(_) => quote!(#e.vector(#v);),
            RTy::Null => quote!(),
        }
    }

    /// Encodes a view that may be nullable (a tag byte first).
    pub(crate) fn encode_any(self, e: &TokenStream, v: TokenStream, nullable: bool) -> TokenStream {
        if nullable {
            let inner = self.encode(e, quote!(x));
            quote! {
                match #v {
                    ::std::option::Option::Some(x) => { #e.tag(true); #inner }
                    ::std::option::Option::None => #e.tag(false),
                }
            }
        } else {
            self.encode(e, v)
        }
    }

    /// Reads a value of this type from decoder `d` (owned).
    pub(crate) fn decode(self, d: &TokenStream) -> TokenStream {
        match self {
            RTy::Bool => quote!(#d.bool()?),
            RTy::Int | RTy::Ts => quote!(#d.i64()?),
            RTy::Float => quote!(#d.f64()?),
            RTy::Str => quote!(#d.str()?),
            RTy::Vector(_) => quote!(#d.vector()?),
            RTy::Null => quote!(()),
        }
    }

    /// Reads a value of this type from decoder `d` as a view (text borrowed).
    pub(crate) fn decode_view(self, d: &TokenStream) -> TokenStream {
        match self {
            RTy::Str => quote!(#d.str_ref()?),
            _ => self.decode(d),
        }
    }

    /// Skips a stored value of this type in decoder `d` (an expression of type `()`).
    pub(crate) fn skip(self, d: &TokenStream) -> TokenStream {
        match self {
            RTy::Bool => quote!(#d.skip(1)?),
            RTy::Int | RTy::Ts | RTy::Float => quote!(#d.skip(8)?),
            RTy::Str => quote!(#d.skip_str()?),
            RTy::Vector(_) => quote!(#d.skip_vector()?),
            RTy::Null => quote!(()),
        }
    }

    /// The type of a field in a struct of views ([`RTy::decode_view`]): `&'a str`
    /// for text, the owned type otherwise.
    pub(crate) fn view_ty(self, nullable: bool) -> TokenStream {
        match (self, nullable) {
            (RTy::Str, false) => quote!(&'a str),
            (RTy::Str, true) => quote!(::std::option::Option<&'a str>),
            _ => self.owned(nullable),
        }
    }

    /// A comparison of two non-null owned-or-view values `a`, `b` of this type,
    /// given as references: an `Ordering`.
    pub(crate) fn cmp_refs(self, rt: &TokenStream, a: TokenStream, b: TokenStream) -> TokenStream {
        match self {
            RTy::Float => quote!(#rt::cmp_f64(*#a, *#b)),
            _ => quote!(::std::cmp::Ord::cmp(#a, #b)),
        }
    }
}
