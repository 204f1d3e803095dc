// Frozen migration: CloudKitty's hashmap rating module as Nuage stores it. Services (a metric such as
// `instance`), their fields (`flavor_id`…) and mappings (a value of a field, or the service itself, and
// its cost); the rating compiles them into price rules over the stored price lists.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rating_hashmap_services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rating_hashmap_fields')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) =>
      c.notNull().references('rating_hashmap_services.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('rating_hashmap_fields_name', ['service_id', 'name'])
    .execute();
  await db.schema
    .createTable('rating_hashmap_mappings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Exactly one of service_id (a flat price of the service) and field_id (a price per field value).
    .addColumn('service_id', 'text', (c) => c.references('rating_hashmap_services.id').onDelete('cascade'))
    .addColumn('field_id', 'text', (c) => c.references('rating_hashmap_fields.id').onDelete('cascade'))
    .addColumn('value', 'text')
    // A decimal as text: never a binary float.
    .addColumn('cost', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rating_hashmap_mappings').execute();
  await db.schema.dropTable('rating_hashmap_fields').execute();
  await db.schema.dropTable('rating_hashmap_services').execute();
}
