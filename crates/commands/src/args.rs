//! [`Args`]: a request's arguments, taken one by one.

use bytes::Bytes;
use sharedkv_db::parse_i64;

use crate::Error;

/// The arguments of a request after its name (and its subcommand), taken
/// in order. The server has checked the arity against the command's spec
/// before, but nothing here relies on that: a missing argument is the
/// arity error, never a panic. Arguments are the decoder's zero-copy slices;
/// taking one moves it, copying nothing.
#[derive(Debug)]
pub struct Args {
    name: &'static str,
    words: std::vec::IntoIter<Bytes>,
}

impl Args {
    /// The arguments of `argv` after its first `skip` words, for the command
    /// whose full name is `name` (named in arity errors).
    pub fn new(name: &'static str, argv: Vec<Bytes>, skip: usize) -> Args {
        let mut words = argv.into_iter();
        for _ in 0..skip {
            words.next();
        }
        Args { name, words }
    }

    /// The command's full name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// How many arguments are left.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether none is left.
    pub fn is_empty(&self) -> bool {
        self.words.len() == 0
    }

    /// The next argument, which the spec's arity requires.
    pub fn required(&mut self) -> Result<Bytes, Error> {
        self.words.next().ok_or(Error::WrongArity(self.name))
    }

    /// The next argument as a decimal `i64`.
    pub fn int(&mut self) -> Result<i64, Error> {
        let word = self.required()?;
        parse_i64(&word).ok_or(Error::NOT_AN_INTEGER)
    }

    /// Every argument left.
    pub fn rest(self) -> Vec<Bytes> {
        self.words.collect()
    }

    /// The arity error of this command.
    pub fn arity(&self) -> Error {
        Error::WrongArity(self.name)
    }

    /// Fails with the arity error if any argument is left.
    pub fn end(&mut self) -> Result<(), Error> {
        match self.words.next() {
            Some(_) => Err(Error::WrongArity(self.name)),
            None => Ok(()),
        }
    }
}

/// The arguments left, one by one.
impl Iterator for Args {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        self.words.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.words.size_hint()
    }
}

/// Whether `word` is `keyword`, ignoring ASCII case.
pub fn is(word: &[u8], keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword.as_bytes())
}
