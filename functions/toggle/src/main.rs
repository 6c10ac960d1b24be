//! The `toggle` Lambda: serves its routes of `shared::routes`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::ops::run_function(shared::routes::Function::Toggle).await
}
