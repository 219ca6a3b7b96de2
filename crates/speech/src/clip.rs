//! A decoded clip: samples, their rate and channels; whether it is silent.

use std::time::Duration;

/// Sound ready to play: interleaved samples in −1…1.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    pub rate: u32,
    pub channels: u16,
    pub samples: Vec<f32>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error("not a readable WAV file: {0}")]
    Wav(#[from] hound::Error),
    #[error("the file has no sound channels or no sample rate")]
    Empty,
}

/// Decodes a WAV file (16/24/32-bit integer or 32-bit float PCM).
pub fn decode(bytes: &[u8]) -> Result<Clip, ClipError> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes))?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(ClipError::Empty);
    }
    let samples = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1_i64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()?
        }
    };
    Ok(Clip {
        rate: spec.sample_rate,
        channels: spec.channels,
        samples,
    })
}

impl Clip {
    pub fn duration(&self) -> Duration {
        let frames = self.samples.len() as f64 / f64::from(self.channels.max(1));
        Duration::from_secs_f64(frames / f64::from(self.rate.max(1)))
    }

    /// Root mean square of the samples (0 for none).
    pub fn rms(&self) -> f32 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.samples.iter().map(|s| f64::from(*s).powi(2)).sum();
        (sum / self.samples.len() as f64).sqrt() as f32
    }

    /// Whether nothing would be heard: no samples, shorter than a tenth of
    /// a second, or quieter than −50 dBFS throughout.
    pub fn is_silent(&self) -> bool {
        self.duration() < Duration::from_millis(100) || self.rms() < 0.003
    }

    /// Writes the clip as a 16-bit WAV file's bytes.
    pub fn to_wav(&self) -> Result<Vec<u8>, ClipError> {
        let spec = hound::WavSpec {
            channels: self.channels,
            sample_rate: self.rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut out, spec)?;
        for s in &self.samples {
            w.write_sample((s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)?;
        }
        w.finalize()?;
        Ok(out.into_inner())
    }
}
