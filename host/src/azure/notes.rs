//! Warnings about one plugin call's Azure answers, such as a list item that
//! could not be read and was skipped. Collected around the call as a
//! task-local, so the host can show them to the run's user (through the
//! agent too); outside a collection they go to the log.

use std::cell::RefCell;

tokio::task_local! {
    static NOTES: RefCell<Vec<(String, String)>>;
}

/// Runs `work`, returning its output and the notes it made.
pub async fn collect<F: Future>(work: F) -> (F::Output, Vec<String>) {
    NOTES
        .scope(RefCell::new(Vec::new()), async {
            let output = work.await;
            let notes = NOTES.with(RefCell::take);
            (
                output,
                notes.into_iter().map(|(_, message)| message).collect(),
            )
        })
        .await
}

/// Notes `message` about `subject` for the current collection, once per
/// subject (a VM skipped from two lists is one note), or logs it without one.
pub fn note(subject: &str, message: String) {
    let noted = NOTES.try_with(|notes| {
        let mut notes = notes.borrow_mut();
        if !notes.iter().any(|(seen, _)| seen == subject) {
            notes.push((subject.to_string(), message.clone()));
        }
    });
    if noted.is_err() {
        tracing::warn!("{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn notes_made_inside_a_collection_are_returned_once_per_subject_in_order() {
        let (output, notes) = collect(async {
            note("a", "first".into());
            note("b", "second".into());
            note("a", "first again".into());
            7
        })
        .await;
        assert_eq!(output, 7);
        assert_eq!(notes, ["first", "second"]);
        note("c", "outside: logged, not collected".into());
    }
}
