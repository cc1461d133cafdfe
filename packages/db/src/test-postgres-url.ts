/** The PostgreSQL server the tests create their own databases on; `TEST_DATABASE_URL` overrides it. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
