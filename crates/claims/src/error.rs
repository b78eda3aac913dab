use std::path::PathBuf;

/// Errors of claim building: reading a model's claims calibration.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A calibration file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A calibration file is not JSON of a calibration.
    #[error("{path}: not a claims calibration: {source}")]
    Calibration {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A calibration's steps do not make a monotone map.
    #[error("{path}: steps must be non-empty, as many values as bounds, both non-decreasing")]
    CalibrationSteps {
        /// The file.
        path: PathBuf,
    },
}

/// Result type of claimex-claims.
pub type Result<T> = std::result::Result<T, Error>;
