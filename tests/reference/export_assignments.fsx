// Writes a `stratify run` output's assignments.parquet as CSV (patient id, subgroup, and split when the run was
// split), so that R can fit its reference models on exactly the patients and subgroups Stratify used.
//   dotnet build src/Stratify.Cli -c Release
//   dotnet fsi tests/reference/export_assignments.fsx OUT/assignments.parquet tests/reference/data/assignments_NAME.csv
#r "../../src/Stratify.Cli/bin/Release/net10.0/Parquet.dll"
#r "../../src/Stratify.Cli/bin/Release/net10.0/Stratify.Core.dll"
open System.IO
open Stratify.Data

let args = fsi.CommandLineArgs |> Array.skip 1
let cohort = ParquetCohortReader.Read(args[0])
let quote (text: string) = if text.Contains(',') || text.Contains('"') then "\"" + text.Replace("\"", "\"\"") + "\"" else text
let lines =
    seq {
        yield cohort.Columns |> Seq.map (fun c -> quote c.Name) |> String.concat ","
        for row in 0 .. cohort.RowCount - 1 do
            yield cohort.Columns |> Seq.map (fun c -> quote (c.Format row)) |> String.concat ","
    }
File.WriteAllLines(args[1], lines)
printfn "wrote %s: %d rows" args[1] cohort.RowCount
