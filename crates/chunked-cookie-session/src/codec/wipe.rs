//! Buffers that wipe what they outgrow, for a private session's plaintext.
//!
//! A `Vec` that grows moves its bytes to a larger block and hands the old block back to the
//! heap as it stands: a copy of whatever it held, left in freed memory. Growing one through
//! [`reserve`] with `wipe` set zeroes the old block before it goes. A signed session's
//! plaintext is not secret (the client holds it in the clear), so its buffers grow as any.

use std::{fmt, io};

use zeroize::Zeroize;

/// Makes room for `more` bytes after `buffer`'s length, at least doubling its capacity when
/// it must move; with `wipe` set, the block it leaves is zeroed first.
#[inline]
pub(crate) fn reserve(buffer: &mut Vec<u8>, more: usize, wipe: bool) {
    if buffer.capacity() - buffer.len() < more {
        grow(buffer, more, wipe);
    }
}

#[cold]
fn grow(buffer: &mut Vec<u8>, more: usize, wipe: bool) {
    if !wipe {
        buffer.reserve(more);
        return;
    }
    let wanted = buffer.len().saturating_add(more);
    let mut grown = Vec::with_capacity(wanted.max(buffer.capacity().saturating_mul(2)));
    grown.extend_from_slice(buffer);
    buffer.zeroize();
    *buffer = grown;
}

/// JSON text appended to a buffer that grows by [`reserve`]: what serde_json writes
/// (`io::Write`) and what the Python values' writer writes (`fmt::Write`).
pub(crate) struct Sink<'a> {
    buffer: &'a mut Vec<u8>,
    wipe: bool,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(buffer: &'a mut Vec<u8>, wipe: bool) -> Sink<'a> {
        Sink { buffer, wipe }
    }

    #[inline]
    fn append(&mut self, bytes: &[u8]) {
        reserve(self.buffer, bytes.len(), self.wipe);
        self.buffer.extend_from_slice(bytes);
    }
}

impl io::Write for Sink<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.append(bytes);
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.append(bytes);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl fmt::Write for Sink<'_> {
    #[inline]
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.append(text.as_bytes());
        Ok(())
    }
}

#[cfg(feature = "flask")]
impl crate::pyvalue::Out for Sink<'_> {}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn a_sink_grows_and_keeps_every_byte() {
        for wipe in [false, true] {
            let mut buffer = Vec::with_capacity(4);
            let mut sink = Sink::new(&mut buffer, wipe);
            for i in 0..1000u32 {
                sink.write_all(&i.to_le_bytes()).expect("infallible");
            }
            let expected: Vec<u8> = (0..1000u32).flat_map(u32::to_le_bytes).collect();
            assert_eq!(buffer, expected, "wipe {wipe}");
        }
    }
}
