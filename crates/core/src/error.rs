/// Errors raised by core operations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A span does not fit the text it is supposed to point into.
    #[error("span {start}..{end} is out of range for a text of {len} characters")]
    SpanOutOfRange {
        /// Start offset (characters).
        start: usize,
        /// End offset (characters, exclusive).
        end: usize,
        /// Length of the text (characters).
        len: usize,
    },
}

/// Result type of claimex-core.
pub type Result<T> = std::result::Result<T, Error>;
