// Runs once, inside the mongo container's first start (docker-entrypoint-initdb.d, as
// the root user, under mongosh): one user per service that can read and write only its
// own database. Services never share a database and never see each other's data.
const services = {
  identity: 'MONGO_PASSWORD_IDENTITY',
  token: 'MONGO_PASSWORD_TOKEN',
  budget: 'MONGO_PASSWORD_BUDGET',
  provider_key: 'MONGO_PASSWORD_PROVIDER_KEY',
  audit: 'MONGO_PASSWORD_AUDIT',
};

for (const [name, variable] of Object.entries(services)) {
  const password = process.env[variable];
  if (!password || password === 'replace-me') throw new Error(`${variable} is not set (see .env.example)`);
  const database = `tollgate_${name}`;
  db.getSiblingDB(database).createUser({
    user: name,
    pwd: password,
    roles: [{ role: 'readWrite', db: database }],
  });
  print(`created user ${name} for database ${database}`);
}
