// Reads a user's "Lync Contacts" the way an ordinary EWS client (Outlook-style tool) does, with
// the real ews-javascript-api: FindFolders under Contacts, then FindItems on the folder found.
// Usage: node list-contacts.js <baseURL> <user alias@domain>. Prints one JSON object.
'use strict';
const ews = require('ews-javascript-api');

async function main() {
  const [base, user] = process.argv.slice(2);
  if (!base || !user) {
    throw new Error('usage: node list-contacts.js <baseURL> <user>');
  }
  const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013);
  service.Credentials = new ews.WebCredentials(user, 'ucssim');
  service.Url = new ews.Uri(base + '/EWS/Exchange.asmx');

  const found = await service.FindFolders(ews.WellKnownFolderName.Contacts, new ews.FolderView(10));
  const folders = found.Folders.map((f) => ({ displayName: f.DisplayName, totalCount: f.TotalCount }));
  const lync = found.Folders.find((f) => f.DisplayName === 'Lync Contacts');
  if (!lync) {
    throw new Error('no "Lync Contacts" folder under Contacts: ' + JSON.stringify(folders));
  }
  const items = await service.FindItems(lync.Id, new ews.ItemView(100));
  const contacts = items.Items.map((c) => ({
    id: c.Id.UniqueId,
    displayName: c.DisplayName,
    email: entry(c.EmailAddresses, ews.EmailAddressKey.EmailAddress1, (e) => e.Address),
    im: entry(c.ImAddresses, ews.ImAddressKey.ImAddress1, (e) => e),
  }));
  process.stdout.write(JSON.stringify({ folders, contacts }) + '\n');
}

// entry reads one key of an indexed property collection, or null when absent.
function entry(dict, key, value) {
  if (!dict) return null;
  const out = {};
  if (dict.TryGetValue(key, out)) return value(out.outValue);
  return null;
}

main().catch((err) => {
  process.stderr.write(String(err && (err.stack || err.message) || err) + '\n');
  process.exit(1);
});
