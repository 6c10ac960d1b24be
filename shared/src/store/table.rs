//! The one table definition. `portal create-table` builds it from here, and a test proves that
//! `template.yaml` declares exactly the same keys, indexes and TTL attribute.

use super::keys::{GSI1, GSI2, GSI3, PK, SK};
use crate::error::Error;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;

/// Every key attribute of the table and its indexes; all are strings.
pub const KEY_ATTRIBUTES: [&str; 8] = [PK, SK, "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"];

/// `(index name, partition key, sort key)`; every index projects all attributes.
pub const INDEXES: [(&str, &str, &str); 3] =
    [(GSI1, "gsi1pk", "gsi1sk"), (GSI2, "gsi2pk", "gsi2sk"), (GSI3, "gsi3pk", "gsi3sk")];

/// Idempotency records expire by themselves.
pub const TTL_ATTRIBUTE: &str = "ttl";

fn element(name: &str, kind: KeyType) -> Result<KeySchemaElement, Error> {
    Ok(KeySchemaElement::builder().attribute_name(name).key_type(kind).build()?)
}

/// The table's stream: new images only, which is all the `deliver` function reads (outbox messages).
pub const STREAM_VIEW: StreamViewType = StreamViewType::NewImage;

fn stream() -> Result<StreamSpecification, Error> {
    Ok(StreamSpecification::builder().stream_enabled(true).stream_view_type(STREAM_VIEW).build()?)
}

/// Creates the table if it is missing. Returns whether it was created.
pub async fn create_table(client: &Client, name: &str) -> Result<bool, Error> {
    if client.describe_table().table_name(name).send().await.is_ok() {
        return Ok(false);
    }
    create(client, name, true).await
}

/// The same, and switches the stream on for a table that has none (one made before notifications
/// moved off the request path): what `portal create-table` and `portal serve` do.
pub async fn create_or_upgrade_table(client: &Client, name: &str) -> Result<bool, Error> {
    if let Ok(found) = client.describe_table().table_name(name).send().await {
        let streaming = found.table.and_then(|t| t.stream_specification).is_some_and(|s| s.stream_enabled);
        if !streaming {
            client.update_table().table_name(name).stream_specification(stream()?).send().await?;
        }
        return Ok(false);
    }
    create(client, name, true).await
}

/// The same table without its stream, for a test or benchmark that bulk-loads and reads no stream:
/// Dynoxide 3.2 numbers each stream record by scanning every earlier one, so a load of 100,000 items
/// into a streaming table costs it minutes instead of seconds. Never for a table the portal serves.
pub async fn create_table_without_stream(client: &Client, name: &str) -> Result<bool, Error> {
    create(client, name, false).await
}

async fn create(client: &Client, name: &str, streaming: bool) -> Result<bool, Error> {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_stream_specification(if streaming { Some(stream()?) } else { None })
        .key_schema(element(PK, KeyType::Hash)?)
        .key_schema(element(SK, KeyType::Range)?);
    for attr in KEY_ATTRIBUTES {
        req = req.attribute_definitions(
            AttributeDefinition::builder().attribute_name(attr).attribute_type(ScalarAttributeType::S).build()?,
        );
    }
    for (index, pk, sk) in INDEXES {
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(index)
                .key_schema(element(pk, KeyType::Hash)?)
                .key_schema(element(sk, KeyType::Range)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()?,
        );
    }
    req.send().await?;
    // Not every emulator implements TTL; the table works without it (records are also checked for age).
    let ttl = TimeToLiveSpecification::builder().attribute_name(TTL_ATTRIBUTE).enabled(true).build()?;
    if let Err(e) = client.update_time_to_live().table_name(name).time_to_live_specification(ttl).send().await {
        tracing::warn!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(e), "could not enable TTL");
    }
    Ok(true)
}
