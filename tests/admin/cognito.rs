//! Against a real Cognito API (moto's): the route creates the pool user with the portal's id, a
//! verified email and the district; deactivating disables it; reactivating enables it.

use super::north_with_admin;
use e2e::moto::Moto;
use e2e::spawn_app_with_pool;
use serde_json::json;
use shared::user_pool::UserPool;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_user_follows_the_table() {
    let moto = Moto::start().await;
    let client = aws_sdk_cognitoidentityprovider::Client::new(&e2e::sdk(&moto.url).await);
    let district = aws_sdk_cognitoidentityprovider::types::SchemaAttributeType::builder()
        .name("district_id")
        .attribute_data_type(aws_sdk_cognitoidentityprovider::types::AttributeDataType::String)
        .mutable(true)
        .build();
    let pool = client.create_user_pool().pool_name("staff").schema(district).send().await.unwrap();
    let pool_id = pool.user_pool.unwrap().id.unwrap();
    let app = spawn_app_with_pool(north_with_admin(), UserPool::new(client.clone(), &pool_id)).await;

    let r = app
        .post(
            "u-ann",
            "/v1/users",
            json!({"id": "u-dee", "name": "Dee Newman", "email": "dee@north.example", "permissions": ["manage_cases"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let user = client.admin_get_user().user_pool_id(&pool_id).username("u-dee").send().await.unwrap();
    let attrs: std::collections::HashMap<String, String> =
        user.user_attributes.unwrap_or_default().into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect();
    assert_eq!(attrs.get("email").map(String::as_str), Some("dee@north.example"));
    assert_eq!(attrs.get("email_verified").map(String::as_str), Some("true"));
    assert_eq!(attrs.get("custom:district_id").map(String::as_str), Some("d-north"));
    assert!(user.enabled);

    assert_eq!(
        app.put("u-ann", "/v1/users/u-dee", json!({"active": false, "name": "Dee N. Newman"})).await.status,
        200
    );
    let user = client.admin_get_user().user_pool_id(&pool_id).username("u-dee").send().await.unwrap();
    assert!(!user.enabled, "the pool user is disabled");
    let name = user.user_attributes.unwrap_or_default().into_iter().find(|a| a.name == "name").and_then(|a| a.value);
    assert_eq!(name.as_deref(), Some("Dee N. Newman"));
    assert_eq!(app.put("u-ann", "/v1/users/u-dee", json!({"active": true})).await.status, 200);
    assert!(client.admin_get_user().user_pool_id(&pool_id).username("u-dee").send().await.unwrap().enabled);
}
