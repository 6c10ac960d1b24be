//! The `admin` Lambda: serves its routes of `shared::routes` (district administration).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::ops::run_function(shared::routes::Function::Admin).await
}
