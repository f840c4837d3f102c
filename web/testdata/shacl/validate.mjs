// Validates RDF files against SHACL shapes and prints one JSON report per
// file: {file, triples, conforms, results: [{severity, focus, path, message}]}.
// Usage: node validate.mjs SHAPES.ttl DATA.(ttl|jsonld|rdf)...
// The format is taken from the file name's extension. Exit status 2 on a
// parse error; violations are reported, not signalled by the status.
import rdf from '@zazuko/env-node'
import SHACLValidator from 'rdf-validate-shacl'

const [shapesPath, ...dataPaths] = process.argv.slice(2)
const shapes = await rdf.dataset().import(rdf.fromFile(shapesPath))
const reports = []
for (const path of dataPaths) {
  let data
  try {
    data = await rdf.dataset().import(rdf.fromFile(path))
  } catch (err) {
    console.error(`${path}: ${err.message}`)
    process.exit(2)
  }
  const validator = new SHACLValidator(shapes, { factory: rdf })
  const report = await validator.validate(data)
  reports.push({
    file: path,
    triples: data.size,
    conforms: report.conforms,
    results: report.results.map(r => ({
      severity: r.severity?.value.replace('http://www.w3.org/ns/shacl#', ''),
      focus: r.focusNode?.value,
      path: r.path?.value,
      message: r.message.map(m => m.value).join(' ') ||
        `${r.sourceConstraintComponent?.value.replace('http://www.w3.org/ns/shacl#', 'sh:')} (value ${r.value?.value ?? '-'})`,
    })),
  })
}
console.log(JSON.stringify(reports, null, 1))
