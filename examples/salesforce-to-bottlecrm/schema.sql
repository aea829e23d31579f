-- BottleCRM's tables that a Salesforce import fills, as Django 6.0.7 creates
-- them on PostgreSQL 16 (../../../shared/api/bottlecrm.md sections 1-5,
-- MicroPyramid/Django-CRM d3eb5f94). Django applies its field defaults in
-- the ORM, so there is no DEFAULT clause here: whoever writes raw rows fills
-- every NOT NULL column. FKs have no ON DELETE (the ORM emulates it) and are
-- DEFERRABLE INITIALLY DEFERRED, as Django makes them. Tables the import
-- never touches (invoice, address, invoice_template, the M2M joins) are left
-- out; the columns pointing at them stay plain uuids.
--
-- Load it as the owner; the import connects as another role, without
-- BYPASSRLS, so the policies at the end are enforced (FORCE also binds the
-- owner).

CREATE TABLE users (
  id uuid PRIMARY KEY,
  password varchar(128) NOT NULL,
  last_login timestamptz NULL,
  is_superuser boolean NOT NULL,
  email varchar(254) NOT NULL UNIQUE,
  name varchar(255) NOT NULL,
  profile_pic varchar(1000) NULL,
  activation_key varchar(150) NULL,
  key_expires timestamptz NULL,
  is_active boolean NOT NULL,
  is_staff boolean NOT NULL
);

CREATE TABLE organization (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(100) NULL,
  api_key text NOT NULL UNIQUE,
  is_active boolean NOT NULL,
  company_name varchar(255) NOT NULL,
  logo varchar(100) NULL,
  address_line varchar(255) NOT NULL,
  city varchar(100) NOT NULL,
  state varchar(100) NOT NULL,
  postcode varchar(20) NOT NULL,
  country varchar(3) NOT NULL,
  phone varchar(25) NOT NULL,
  email varchar(254) NOT NULL,
  website varchar(200) NOT NULL,
  tax_id varchar(50) NOT NULL,
  default_currency varchar(3) NOT NULL,
  default_country varchar(2) NULL,
  timezone varchar(64) NOT NULL,
  csat_enabled boolean NOT NULL,
  auto_close_children_on_parent_close boolean NOT NULL,
  vertical varchar(64) NOT NULL,
  terminology jsonb NOT NULL
);

CREATE TABLE profile (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  user_id uuid NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  phone varchar(20) NULL,
  alternate_phone varchar(20) NULL,
  address_id uuid NULL,
  role varchar(50) NOT NULL,
  has_sales_access boolean NOT NULL,
  has_marketing_access boolean NOT NULL,
  is_active boolean NOT NULL,
  is_organization_admin boolean NOT NULL,
  date_of_joining date NULL,
  CONSTRAINT profile_user_id_org_id_uniq UNIQUE (user_id, org_id),
  CONSTRAINT profile_phone_org_id_uniq UNIQUE (phone, org_id)
);

CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NOT NULL,
  email varchar(254) NULL,
  phone varchar(25) NULL,
  website varchar(200) NULL,
  industry varchar(255) NULL,
  number_of_employees integer NULL CHECK (number_of_employees >= 0),
  annual_revenue numeric(15, 2) NULL,
  currency varchar(3) NULL,
  address_line varchar(255) NULL,
  city varchar(255) NULL,
  state varchar(255) NULL,
  postcode varchar(64) NULL,
  country varchar(3) NULL,
  description text NULL,
  custom_fields jsonb NOT NULL,
  is_active boolean NOT NULL,
  is_sample boolean NOT NULL,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT account_revenue_non_negative CHECK (annual_revenue >= 0)
);
CREATE UNIQUE INDEX unique_account_name_per_org ON accounts (lower(name), org_id);

CREATE TABLE contacts (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  first_name varchar(255) NOT NULL,
  last_name varchar(255) NOT NULL,
  email varchar(254) NULL,
  phone varchar(25) NULL,
  organization varchar(255) NULL,
  title varchar(255) NULL,
  department varchar(255) NULL,
  do_not_call boolean NOT NULL,
  linkedin_url varchar(200) NULL,
  address_line varchar(255) NULL,
  city varchar(255) NULL,
  state varchar(255) NULL,
  postcode varchar(64) NULL,
  country varchar(3) NULL,
  description text NULL,
  is_active boolean NOT NULL,
  is_sample boolean NOT NULL,
  auto_created boolean NOT NULL,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  account_id uuid NULL REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
  custom_fields jsonb NOT NULL
);
CREATE UNIQUE INDEX unique_contact_email_per_org ON contacts (lower(email), org_id)
  WHERE email IS NOT NULL AND email <> '';

CREATE TABLE opportunity (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NOT NULL,
  account_id uuid NULL REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
  stage varchar(64) NOT NULL,
  opportunity_type varchar(64) NULL,
  currency varchar(3) NULL,
  amount numeric(12, 2) NULL,
  amount_source varchar(20) NOT NULL,
  probability integer NULL,
  closed_on date NULL,
  lead_source varchar(255) NULL,
  closed_by_id uuid NULL REFERENCES profile (id) DEFERRABLE INITIALLY DEFERRED,
  description text NULL,
  custom_fields jsonb NOT NULL,
  stage_changed_at timestamptz NULL,
  kanban_order numeric(15, 6) NOT NULL,
  is_active boolean NOT NULL,
  is_sample boolean NOT NULL,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT opportunity_amount_non_negative CHECK (amount >= 0),
  CONSTRAINT opportunity_probability_range CHECK (probability >= 0 AND probability <= 100)
);

CREATE TABLE product (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NOT NULL,
  description text NULL,
  sku varchar(100) NULL,
  price numeric(12, 2) NOT NULL,
  currency varchar(3) NULL,
  category varchar(100) NULL,
  is_active boolean NOT NULL,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT product_sku_org_id_uniq UNIQUE (sku, org_id)
);
CREATE INDEX product_org_id_is_active_idx ON product (org_id, is_active);

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NOT NULL,
  order_number varchar(100) NOT NULL,
  status varchar(20) NOT NULL,
  account_id uuid NOT NULL REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
  contact_id uuid NULL REFERENCES contacts (id) DEFERRABLE INITIALLY DEFERRED,
  opportunity_id uuid NULL REFERENCES opportunity (id) DEFERRABLE INITIALLY DEFERRED,
  currency varchar(3) NOT NULL,
  subtotal numeric(15, 2) NOT NULL,
  discount_amount numeric(15, 2) NOT NULL,
  tax_amount numeric(15, 2) NOT NULL,
  total_amount numeric(15, 2) NOT NULL,
  order_date date NULL,
  activated_date date NULL,
  shipped_date date NULL,
  billing_address_line varchar(255) NOT NULL,
  billing_city varchar(100) NOT NULL,
  billing_state varchar(100) NOT NULL,
  billing_postcode varchar(20) NOT NULL,
  billing_country varchar(3) NOT NULL,
  shipping_address_line varchar(255) NOT NULL,
  shipping_city varchar(100) NOT NULL,
  shipping_state varchar(100) NOT NULL,
  shipping_postcode varchar(20) NOT NULL,
  shipping_country varchar(3) NOT NULL,
  description text NOT NULL
);
CREATE INDEX orders_org_id_created_at_idx ON orders (org_id, created_at DESC);

CREATE TABLE order_line_item (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED,
  order_id uuid NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
  product_id uuid NULL REFERENCES product (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NOT NULL,
  description text NOT NULL,
  quantity numeric(10, 2) NOT NULL,
  unit_price numeric(15, 2) NOT NULL,
  discount_amount numeric(15, 2) NOT NULL,
  total numeric(15, 2) NOT NULL,
  sort_order integer NOT NULL
);
CREATE INDEX order_line_item_org_id_created_at_idx ON order_line_item (org_id, created_at DESC);

CREATE TABLE estimate (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  estimate_number varchar(50) NOT NULL UNIQUE,
  title varchar(100) NOT NULL,
  status varchar(20) NOT NULL,
  account_id uuid NULL REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
  contact_id uuid NULL REFERENCES contacts (id) DEFERRABLE INITIALLY DEFERRED,
  opportunity_id uuid NULL REFERENCES opportunity (id) DEFERRABLE INITIALLY DEFERRED,
  client_name varchar(255) NOT NULL,
  client_email varchar(254) NOT NULL,
  client_phone varchar(25) NOT NULL,
  client_address_line varchar(255) NOT NULL,
  client_city varchar(100) NOT NULL,
  client_state varchar(100) NOT NULL,
  client_postcode varchar(20) NOT NULL,
  client_country varchar(3) NOT NULL,
  subtotal numeric(12, 2) NOT NULL,
  discount_type varchar(20) NOT NULL,
  discount_value numeric(12, 2) NOT NULL,
  discount_amount numeric(12, 2) NOT NULL,
  tax_rate numeric(5, 2) NOT NULL,
  tax_amount numeric(12, 2) NOT NULL,
  total_amount numeric(12, 2) NOT NULL,
  amount_paid numeric(12, 2) NOT NULL,
  amount_due numeric(12, 2) NOT NULL,
  currency varchar(3) NOT NULL,
  issue_date date NOT NULL,
  expiry_date date NULL,
  sent_at timestamptz NULL,
  viewed_at timestamptz NULL,
  accepted_at timestamptz NULL,
  declined_at timestamptz NULL,
  accepted_by_name varchar(255) NOT NULL,
  accepted_by_email varchar(254) NOT NULL,
  accepted_ip inet NULL,
  accepted_user_agent text NOT NULL,
  converted_to_invoice_id uuid NULL,
  public_token varchar(64) NOT NULL UNIQUE,
  notes text NOT NULL,
  terms text NOT NULL,
  custom_fields jsonb NOT NULL,
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE estimate_line_item (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  updated_by_id uuid NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
  estimate_id uuid NOT NULL REFERENCES estimate (id) DEFERRABLE INITIALLY DEFERRED,
  product_id uuid NULL REFERENCES product (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(255) NULL,
  description varchar(500) NOT NULL,
  quantity numeric(10, 2) NOT NULL,
  unit_price numeric(12, 2) NOT NULL,
  discount_type varchar(20) NOT NULL,
  discount_value numeric(12, 2) NOT NULL,
  discount_amount numeric(12, 2) NOT NULL,
  tax_rate numeric(5, 2) NOT NULL,
  tax_amount numeric(12, 2) NOT NULL,
  subtotal numeric(12, 2) NOT NULL,
  total numeric(12, 2) NOT NULL,
  "order" integer NOT NULL CHECK ("order" >= 0),
  org_id uuid NOT NULL REFERENCES organization (id) DEFERRABLE INITIALLY DEFERRED
);

-- Row-level security (backend/common/rls, migration 0028's InitPlan form):
-- with app.current_org unset or '', no row is visible and no insert passes.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['accounts', 'contacts', 'opportunity', 'product', 'orders',
                           'order_line_item', 'estimate', 'estimate_line_item'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY org_isolation ON %I FOR ALL USING '
                   '(org_id::text = (select NULLIF(current_setting(''app.current_org'', true), '''')))', t);
    EXECUTE format('CREATE POLICY org_insert_check ON %I FOR INSERT WITH CHECK '
                   '(org_id::text = (select NULLIF(current_setting(''app.current_org'', true), '''')))', t);
  END LOOP;
END
$$;
