//! Confidence calibration: an isotonic (monotone, non-decreasing) map from raw claim scores to the
//! share of claims that were right, fitted on labelled claims, and the reliability table and
//! expected calibration error that show how well confidences match observed accuracy.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// File name of a model directory's calibration map.
pub const CALIBRATION_FILE: &str = "claims-calibration.json";

/// A fitted map: raw scores up to `upper[i]` get `value[i]`; above the last, the last value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Claim-building method the raw scores came from.
    pub method: String,
    /// Labelled claims it was fitted on.
    pub fitted_on: usize,
    /// Where those came from.
    pub data: String,
    /// Upper raw score of each step, increasing.
    pub upper: Vec<f32>,
    /// Calibrated confidence of each step, non-decreasing.
    pub value: Vec<f32>,
}

impl Calibration {
    /// Fits by pool-adjacent-violators on (raw score, right) pairs: each block of neighbouring
    /// scores has as value its accuracy with one right and one wrong claim added (Laplace), so
    /// that a block of 40 right claims says 0.976, not certainty, and blocks are merged until
    /// their values increase strictly. Empty data gives `None`.
    pub fn fit(pairs: &[(f32, bool)], method: &str, data: &str) -> Option<Calibration> {
        if pairs.is_empty() {
            return None;
        }
        let mut sorted = pairs.to_vec();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks of (upper raw score, sum of right, count), merged while their values do not
        // increase: the smoothed values, which is what the map holds (a block of 9 right in 10
        // says 0.833 and one of 1 right in 1 says 0.667, though their accuracies increase).
        let value = |b: (f32, f64, f64)| (b.1 + 1.0) / (b.2 + 2.0);
        let mut blocks: Vec<(f32, f64, f64)> = Vec::new();
        for (score, right) in sorted {
            blocks.push((score, f64::from(u8::from(right)), 1.0));
            while blocks.len() >= 2 {
                let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
                if value(a) < value(b) && a.0 < b.0 {
                    break;
                }
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (b.0, a.1 + b.1, a.2 + b.2);
            }
        }
        Some(Calibration {
            method: method.to_string(),
            fitted_on: pairs.len(),
            data: data.to_string(),
            upper: blocks.iter().map(|b| b.0).collect(),
            value: blocks.iter().map(|&b| value(b) as f32).collect(),
        })
    }

    /// The calibrated confidence of a raw score.
    pub fn apply(&self, raw: f32) -> f32 {
        let i = self.upper.partition_point(|&u| u < raw);
        self.value
            .get(i)
            .or(self.value.last())
            .copied()
            .unwrap_or(raw)
    }

    /// Reads a calibration file; an unreadable or invalid file is an error naming it.
    pub fn load(path: &Path) -> Result<Calibration> {
        let raw = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let c: Calibration = serde_json::from_str(&raw).map_err(|source| Error::Calibration {
            path: path.to_path_buf(),
            source,
        })?;
        let ordered =
            c.upper.windows(2).all(|w| w[0] <= w[1]) && c.value.windows(2).all(|w| w[0] <= w[1]);
        if c.upper.len() != c.value.len() || c.upper.is_empty() || !ordered {
            return Err(Error::CalibrationSteps {
                path: path.to_path_buf(),
            });
        }
        Ok(c)
    }

    /// The calibration of model directory `dir`, if it has one.
    pub fn of_model(dir: &Path) -> Result<Option<Calibration>> {
        let path = dir.join(CALIBRATION_FILE);
        if path.exists() {
            Calibration::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// One bin of a reliability table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReliabilityBin {
    /// Lower confidence bound (inclusive).
    pub low: f32,
    /// Upper bound (exclusive, inclusive for the last bin).
    pub high: f32,
    /// Claims in the bin.
    pub count: usize,
    /// Their mean confidence.
    pub confidence: f64,
    /// Share of them that were right.
    pub accuracy: f64,
}

/// Predicted confidence against observed accuracy in `bins` equal-width bins over 0..1, and the
/// expected calibration error (bin-size-weighted mean of |accuracy - confidence|).
pub fn reliability(pairs: &[(f32, bool)], bins: usize) -> (Vec<ReliabilityBin>, f64) {
    let bins = bins.max(1);
    let mut table: Vec<ReliabilityBin> = (0..bins)
        .map(|i| ReliabilityBin {
            low: i as f32 / bins as f32,
            high: (i + 1) as f32 / bins as f32,
            count: 0,
            confidence: 0.0,
            accuracy: 0.0,
        })
        .collect();
    for &(c, right) in pairs {
        let i = ((c.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        table[i].count += 1;
        table[i].confidence += f64::from(c);
        table[i].accuracy += f64::from(u8::from(right));
    }
    let mut ece = 0.0;
    for bin in &mut table {
        if bin.count > 0 {
            bin.confidence /= bin.count as f64;
            bin.accuracy /= bin.count as f64;
            ece += bin.count as f64 * (bin.accuracy - bin.confidence).abs();
        }
    }
    let total = pairs.len().max(1) as f64;
    (table, ece / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_fit_is_monotone_and_matches_block_accuracy() {
        // Raw 0.1..0.4 are right 1 of 4 times, 0.6..0.9 three of 4, with one violation inside.
        let pairs = [
            (0.1, false),
            (0.2, true),
            (0.3, false),
            (0.4, false),
            (0.6, true),
            (0.7, false),
            (0.8, true),
            (0.9, true),
        ];
        let c = Calibration::fit(&pairs, "m", "d").unwrap();
        assert!(c.value.windows(2).all(|w| w[0] < w[1]), "{c:?}");
        assert!(c.upper.windows(2).all(|w| w[0] < w[1]), "{c:?}");
        // Blocks: {0.1} 0/1, {0.2, 0.3, 0.4} 1/3, {0.6, 0.7} 1/2, {0.8, 0.9} 2/2, each with
        // Laplace's one right and one wrong added.
        assert_eq!(c.upper, [0.1, 0.4, 0.7, 0.9]);
        let expected = [1.0 / 3.0, 2.0 / 5.0, 2.0 / 4.0, 3.0 / 4.0];
        for (v, e) in c.value.iter().zip(expected) {
            assert!((v - e).abs() < 1e-6, "{c:?}");
        }
        assert_eq!(c.apply(0.05), c.value[0]);
        assert_eq!(c.apply(0.65), c.value[2]);
        assert_eq!(c.apply(0.95), c.value[3]);
        assert!(Calibration::fit(&[], "m", "d").is_none());
    }

    #[test]
    fn the_smoothed_values_increase_where_the_accuracies_alone_would() {
        // 9 right in 10 at 0.5 (0.833 smoothed), then 1 right in 1 at 0.9 (0.667 smoothed): one
        // block, and a map that loads.
        let mut pairs = vec![(0.5, true); 9];
        pairs.push((0.5, false));
        pairs.push((0.9, true));
        let c = Calibration::fit(&pairs, "m", "d").unwrap();
        assert_eq!(c.upper, [0.9]);
        assert!((c.value[0] - 11.0 / 13.0).abs() < 1e-6, "{c:?}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CALIBRATION_FILE),
            serde_json::to_string(&c).unwrap(),
        )
        .unwrap();
        assert_eq!(Calibration::of_model(dir.path()).unwrap(), Some(c));
    }

    #[test]
    fn reliability_table_and_ece() {
        let pairs = [(0.95, true), (0.95, true), (0.15, false), (0.15, true)];
        let (table, ece) = reliability(&pairs, 10);
        assert_eq!(table.len(), 10);
        assert_eq!(table[9].count, 2);
        assert!((table[9].accuracy - 1.0).abs() < 1e-9);
        assert_eq!(table[1].count, 2);
        assert!((table[1].accuracy - 0.5).abs() < 1e-9);
        // (2 * 0.05 + 2 * 0.35) / 4
        assert!((ece - 0.2).abs() < 1e-6, "{ece}");
    }

    #[test]
    fn bad_files_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CALIBRATION_FILE);
        std::fs::write(&path, "{}").unwrap();
        let err = Calibration::load(&path).unwrap_err();
        assert!(matches!(err, Error::Calibration { .. }), "{err}");
        assert!(err.to_string().contains(CALIBRATION_FILE), "{err}");
        let c = Calibration::fit(&[(0.5, true)], "m", "d").unwrap();
        std::fs::write(&path, serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(Calibration::of_model(dir.path()).unwrap(), Some(c));
        assert_eq!(
            Calibration::of_model(&dir.path().join("none")).unwrap(),
            None
        );
    }
}
