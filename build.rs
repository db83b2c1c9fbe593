// `sqlx::migrate!` embeds the migration folders at compile time; without this, a new migration
// file is not seen until something else in the crate changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
