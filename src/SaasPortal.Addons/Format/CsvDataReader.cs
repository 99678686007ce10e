using System.Text;

namespace SaasPortal.Addons.Format;

/// <summary>
/// Reads Odoo's CSV data files. The file name is the model (<c>ir.model.access.csv</c> loads ir.model.access);
/// the header names fields, <c>id</c> is the xml id and a <c>field:id</c> column holds xml ids to resolve, as in
/// <c>id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink</c>.
/// </summary>
public static class CsvDataReader
{
    /// <summary>Parses the CSV data file <paramref name="file"/> of <paramref name="addon"/>.</summary>
    public static DataFile Read(string addon, string file, string text)
    {
        var fileName = file[(file.LastIndexOf('/') + 1)..];
        var model = fileName[..^".csv".Length];
        if (!ModelFileReader.IsModelName(model))
        {
            throw new AddonFormatException(addon, file, null, $"a CSV data file is named after its model (e.g. ir.model.access.csv); '{model}' is not a model name");
        }

        var rows = Parse(addon, file, text);
        if (rows.Count == 0)
        {
            throw new AddonFormatException(addon, file, null, "the header row is missing");
        }

        var (headerLine, header) = rows[0];
        var columns = new List<(string Field, bool IsRef)>();
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (i == 0 && name != "id")
            {
                throw new AddonFormatException(addon, file, headerLine, "the first column must be id (the record's xml id)");
            }

            var isRef = name.EndsWith(":id", StringComparison.Ordinal);
            var field = isRef ? name[..^3] : name;
            if (i > 0 && !ModelFileReader.IsFieldName(field))
            {
                throw new AddonFormatException(addon, file, headerLine, $"column '{name}' is not a field name (or field:id)");
            }

            if (columns.Any(c => c.Field == field))
            {
                throw new AddonFormatException(addon, file, headerLine, $"column '{field}' appears twice");
            }

            columns.Add((field, isRef));
        }

        var operations = new List<DataOperation>();
        foreach (var (line, cells) in rows.Skip(1))
        {
            if (cells.Count != columns.Count)
            {
                throw new AddonFormatException(addon, file, line, $"the row has {cells.Count} cells but the header has {columns.Count}");
            }

            var id = cells[0].Trim();
            if (!XmlIds.IsValid(id))
            {
                throw new AddonFormatException(addon, file, line, $"'{id}' is not a valid xml id");
            }

            var fields = new List<FieldAssignment>();
            for (var i = 1; i < columns.Count; i++)
            {
                var (field, isRef) = columns[i];
                var cell = cells[i].Trim();
                if (isRef)
                {
                    if (cell.Length > 0 && !XmlIds.IsValid(cell))
                    {
                        throw new AddonFormatException(addon, file, line, $"column '{field}:id': '{cell}' is not a valid xml id");
                    }

                    fields.Add(new FieldAssignment(field, new RefValue(cell.Length == 0 ? null : XmlIds.Qualify(addon, cell))));
                }
                else
                {
                    fields.Add(new FieldAssignment(field, new TextValue(cells[i])));
                }
            }

            operations.Add(new RecordOperation
            {
                File = file,
                Line = line,
                XmlId = XmlIds.Qualify(addon, id),
                Model = model,
                Fields = fields,
            });
        }

        return new DataFile(file, operations);
    }

    /// <summary>RFC 4180: commas, double-quoted cells with "" escapes and line breaks; blank lines are skipped.</summary>
    private static List<(int Line, List<string> Cells)> Parse(string addon, string file, string text)
    {
        var rows = new List<(int, List<string>)>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var quoted = false;
        var cellStarted = false;

        void EndRow()
        {
            cells.Add(cell.ToString());
            cell.Clear();
            if (cells.Count > 1 || cells[0].Trim().Length > 0)
            {
                rows.Add((rowLine, cells));
            }

            cells = [];
            cellStarted = false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when !cellStarted:
                    quoted = true;
                    cellStarted = true;
                    break;
                case '"':
                    throw new AddonFormatException(addon, file, line, "a quote inside an unquoted cell; quote the whole cell");
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    cellStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRow();
                    line++;
                    rowLine = line;
                    break;
                default:
                    cell.Append(c);
                    cellStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new AddonFormatException(addon, file, rowLine, "a quoted cell is not closed");
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            EndRow();
        }

        return rows;
    }
}
