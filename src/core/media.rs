//! A study's pictures (`forms/media/`): which items and options have one,
//! whether each file is there and readable (for `kohort forms check`), and
//! the PNGs decoded to pixels for the screens, which never open files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use kohort_form::study::Study;
use kohort_form::{Picture, choices};

/// A decoded picture: RGBA pixels, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    pub size: [usize; 2],
    pub rgba: Vec<u8>,
}

/// The study's pictures by file name, as the screens get them.
pub type Media = Arc<BTreeMap<String, Pixels>>;

/// Every picture of the study's forms (items and their options).
pub fn pictures(study: &Study) -> Vec<Picture> {
    let mut out = Vec::new();
    for inst in &study.instruments {
        for item in &inst.items {
            out.extend(item.image.clone());
            out.extend(choices(&item.kind).into_iter().filter_map(|c| c.image));
        }
    }
    out
}

/// Decodes a PNG file's bytes to RGBA pixels.
pub fn decode_png(bytes: &[u8]) -> Result<Pixels, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![
        0;
        reader
            .output_buffer_size()
            .ok_or("the picture is too large")?
    ];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    let (w, h) = (info.width as usize, info.height as usize);
    let px = w * h;
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf[..px * 4].to_vec(),
        png::ColorType::Rgb => buf[..px * 3]
            .chunks(3)
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => buf[..px * 2]
            .chunks(2)
            .flat_map(|c| [c[0], c[0], c[0], c[1]])
            .collect(),
        png::ColorType::Grayscale => buf[..px].iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err("an indexed PNG that was not expanded".into()),
    };
    Ok(Pixels { size: [w, h], rgba })
}

/// What is wrong with each picture file of the study in `dir`: missing,
/// unreadable, or not a PNG/SVG it claims to be.
pub fn problems(dir: &Path, study: &Study) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for pic in pictures(study) {
        if !seen.insert(pic.file.clone()) {
            continue;
        }
        let path = dir.join(&pic.file);
        let why = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some("missing".to_owned()),
            Err(e) => Some(format!("cannot be read: {e}")),
            Ok(b) if pic.file.ends_with(".svg") => {
                let head = String::from_utf8_lossy(&b[..b.len().min(1000)]).to_lowercase();
                (!head.contains("<svg")).then(|| "not an SVG picture".to_owned())
            }
            Ok(b) => decode_png(&b)
                .err()
                .map(|e| format!("not a readable PNG: {e}")),
        };
        if let Some(why) = why {
            out.push((path.display().to_string(), why));
        }
    }
    out
}

/// The study's PNG pictures, decoded (a file that cannot be read is left
/// out: the screen shows its alt text instead; `forms check` reports it).
pub fn load(dir: &Path, study: &Study) -> Media {
    let mut out = BTreeMap::new();
    for pic in pictures(study) {
        if out.contains_key(&pic.file) || !pic.file.ends_with(".png") {
            continue;
        }
        if let Ok(px) = std::fs::read(dir.join(&pic.file))
            .map_err(|e| e.to_string())
            .and_then(|b| decode_png(&b))
        {
            out.insert(pic.file, px);
        }
    }
    Arc::new(out)
}
