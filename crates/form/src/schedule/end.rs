//! How a treatment episode ended: the one list of end types and the codes
//! they are stored and exported as.

/// How a treatment episode ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndType {
    Completed,
    DroppedOut,
    Transferred,
    Discharged,
    Died,
    Other,
}

impl EndType {
    pub const ALL: [EndType; 6] = [
        EndType::Completed,
        EndType::DroppedOut,
        EndType::Transferred,
        EndType::Discharged,
        EndType::Died,
        EndType::Other,
    ];

    /// The code in the database, batches and analysis files.
    pub fn code(self) -> &'static str {
        match self {
            EndType::Completed => "completed",
            EndType::DroppedOut => "dropped_out",
            EndType::Transferred => "transferred",
            EndType::Discharged => "discharged",
            EndType::Died => "died",
            EndType::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<EndType> {
        EndType::ALL.into_iter().find(|t| t.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for t in EndType::ALL {
            assert_eq!(EndType::from_code(t.code()), Some(t));
        }
        assert_eq!(EndType::from_code("Died"), None);
    }
}
