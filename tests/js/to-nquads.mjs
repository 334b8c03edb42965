// Read a JSON-LD document on stdin and print it as N-Quads, with jsonld.js and a document
// loader that refuses every URL: a self-contained document needs none (issue 13, item 5).
import jsonld from "jsonld";

const refuse = async (url) => {
  throw new Error(`no document may be loaded, asked for ${url}`);
};

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
try {
  const expanded = await jsonld.expand(JSON.parse(text), { documentLoader: refuse });
  const nquads = await jsonld.toRDF(expanded, { format: "application/n-quads", documentLoader: refuse });
  process.stdout.write(nquads);
} catch (err) {
  process.stderr.write(`jsonld.js: ${err.message}${err.details?.cause ? ": " + err.details.cause.message : ""}\n`);
  process.exit(1);
}
