//! HTML pages (askama templates under templates/, DKFDS styled, text from the catalogue).

pub mod cases;
pub mod front;
pub mod language;
pub mod layout;
pub mod notice;
