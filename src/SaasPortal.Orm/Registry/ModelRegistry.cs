using System.Collections.Frozen;
using System.Text.RegularExpressions;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Kernel;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Registry;

/// <summary>
/// The models of one set of installed modules, with their C# behaviour. Immutable and free of per-database
/// state, so every database with the same installed modules shares one instance (a thousand idle tenants hold a
/// thousand references, not a thousand registries). Build it with <see cref="Build"/>.
/// </summary>
public sealed partial class ModelRegistry
{
    /// <summary>Magic fields every model has, in the order fields_get lists them after the declared ones.</summary>
    public static readonly IReadOnlySet<string> MagicFieldNames =
        new HashSet<string>(["id", "display_name", "create_uid", "create_date", "write_uid", "write_date"], StringComparer.Ordinal);

    private readonly FrozenDictionary<string, Model> _models;
    private readonly FrozenDictionary<(string Model, string Method), ModelMethod[]> _methods;
    private readonly FrozenDictionary<string, ComputeMethod> _computes;
    private readonly FrozenDictionary<(string Model, string Field), DefaultMethod> _defaults;
    private readonly FrozenDictionary<(string Model, string Field), ComputeTrigger[]> _triggers;
    private readonly FrozenSet<string> _triggerModels;
    private readonly FrozenDictionary<string, RuleMethod[]> _rules;

    private ModelRegistry(IReadOnlyList<Model> models, IReadOnlyList<string> modules, MethodTable methods,
        IReadOnlyList<string> missingComputes)
    {
        _models = models.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
        Models = models;
        Modules = modules;
        MissingComputes = missingComputes;
        _methods = methods.Methods
            .GroupBy(r => (r.Model, r.Method))
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.Handler).ToArray());
        _computes = methods.Computes.ToFrozenDictionary(StringComparer.Ordinal);
        _defaults = methods.Defaults.ToFrozenDictionary();
        _rules = methods.Rules.GroupBy(r => r.Model, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.Rule).ToArray(), StringComparer.Ordinal);
        CallGuards = [.. methods.Guards];
        _triggers = BuildTriggers().ToFrozenDictionary();
        _triggerModels = _triggers.Keys.Select(k => k.Model).ToFrozenSet(StringComparer.Ordinal);
    }

    private static readonly Lazy<ModelRegistry> KernelOnly = new(() => Build([]));

    /// <summary>The registry of the kernel models alone (what authentication needs), built once per process.</summary>
    public static ModelRegistry Kernel => KernelOnly.Value;

    /// <summary>Every model, kernel models first, in declaration order.</summary>
    public IReadOnlyList<Model> Models { get; }

    /// <summary>The modules the registry was built from, in the order given (<c>base</c> first).</summary>
    public IReadOnlyList<string> Modules { get; }

    /// <summary>Compute functions named by fields but not registered (those fields read as False).</summary>
    public IReadOnlyList<string> MissingComputes { get; }

    /// <summary>Checks run before every RPC call, in registration order.</summary>
    public IReadOnlyList<CallGuard> CallGuards { get; }

    /// <summary>The model of that name, or null.</summary>
    public Model? FindModel(string name) => _models.GetValueOrDefault(name);

    /// <summary>The model of that name; <see cref="UnknownModelException"/> ("Object x doesn't exist") otherwise.</summary>
    public Model this[string name] => _models.TryGetValue(name, out var model) ? model : throw new UnknownModelException(name);

    /// <summary>Whether the model exists.</summary>
    public bool Contains(string name) => _models.ContainsKey(name);

    internal ModelMethod[]? MethodChain(string model, string method) => _methods.GetValueOrDefault((model, method));

    internal IReadOnlyList<RuleMethod> CodeRules(string model) => _rules.TryGetValue(model, out var rules) ? rules : [];

    internal ComputeMethod? Compute(string name) => _computes.GetValueOrDefault(name);

    internal DefaultMethod? Default(string model, string field) => _defaults.GetValueOrDefault((model, field));

    internal IReadOnlyList<ComputeTrigger> Triggers(string model, string field) =>
        _triggers.TryGetValue((model, field), out var triggers) ? triggers : [];

    internal bool HasTriggers(string model) => _triggerModels.Contains(model);

    /// <summary>
    /// Builds a registry from the kernel models followed by <paramref name="declarations"/> in order (each a module
    /// name and one of its model declarations; a declaration with <see cref="ModelSpec.Extends"/> adds to or
    /// replaces fields of an earlier one), and the C# behaviour in <paramref name="methods"/>, which is frozen.
    /// Throws <see cref="ModelDefinitionException"/> naming the module, model and field when they do not fit.
    /// </summary>
    public static ModelRegistry Build(IEnumerable<(string Module, ModelSpec Model)> declarations, MethodTable? methods = null)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        var table = new MethodTable();
        KernelMethods.Register(table);
        if (methods is not null)
        {
            table.Include(methods);
            methods.Freeze();
        }

        table.Freeze();
        var merged = new Dictionary<string, MergedModel>(StringComparer.Ordinal);
        var order = new List<string>();
        var modules = new List<string> { KernelModels.Module };
        foreach (var spec in KernelModels.Specs)
        {
            Merge(merged, order, KernelModels.Module, spec with { Extends = false });
        }

        foreach (var (module, spec) in declarations)
        {
            if (!modules.Contains(module))
            {
                modules.Add(module);
            }

            Merge(merged, order, module, spec);
        }

        var models = order.Select(name => Resolve(merged[name], merged, table)).ToList();
        var byName = models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var model in models)
        {
            Validate(model, byName);
        }

        var missing = models.SelectMany(m => m.Fields)
            .Where(f => !f.IsMagic && f.Spec.Compute is { } c && !table.Computes.ContainsKey(c))
            .Select(f => f.Spec.Compute!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new ModelRegistry(models, modules, table, missing);
    }

    private static void Merge(Dictionary<string, MergedModel> merged, List<string> order, string module, ModelSpec spec)
    {
        if (!ModelNamePattern().IsMatch(spec.Name) || Model.TableName(spec.Name).Length > 63)
        {
            throw new ModelDefinitionException($"Module '{module}': '{spec.Name}' is not a valid model name");
        }

        if (!merged.TryGetValue(spec.Name, out var target))
        {
            if (spec.Extends)
            {
                throw new ModelDefinitionException(
                    $"Module '{module}' extends model '{spec.Name}', which no module it depends on declares");
            }

            target = new MergedModel(spec.Name);
            merged.Add(spec.Name, target);
            order.Add(spec.Name);
        }
        else if (!spec.Extends)
        {
            throw new ModelDefinitionException(
                $"Module '{module}' declares model '{spec.Name}', which module '{target.Modules[0]}' already declares (use extends to add fields)");
        }

        if (!target.Modules.Contains(module))
        {
            target.Modules.Add(module);
        }

        target.Description = spec.Description ?? target.Description;
        target.Order = spec.Order ?? target.Order;
        target.RecName = spec.RecName ?? target.RecName;
        target.ParentName = spec.ParentName ?? target.ParentName;
        foreach (var field in spec.Fields)
        {
            if (!FieldNamePattern().IsMatch(field.Name) || field.Name.Length > 63)
            {
                throw new ModelDefinitionException($"Module '{module}', model '{spec.Name}': '{field.Name}' is not a valid field name");
            }

            if (MagicFieldNames.Contains(field.Name))
            {
                throw new ModelDefinitionException($"Module '{module}', model '{spec.Name}': field '{field.Name}' belongs to every model and cannot be declared");
            }

            target.Fields[field.Name] = (field, module);
            if (!target.FieldOrder.Contains(field.Name))
            {
                target.FieldOrder.Add(field.Name);
            }
        }

        foreach (var constraint in spec.Constraints)
        {
            target.Constraints.RemoveAll(c => c.Name == constraint.Name);
            target.Constraints.Add(constraint);
        }
    }

    private static Model Resolve(MergedModel merged, Dictionary<string, MergedModel> all, MethodTable methods)
    {
        var name = merged.Name;
        var creator = merged.Modules[0];
        var fields = new List<Field>
        {
            new(name, new FieldSpec { Name = "id", Type = FieldType.Integer, Label = "ID", Readonly = true }, creator, magic: true, null),
        };
        var table = Model.TableName(name);
        foreach (var fieldName in merged.FieldOrder)
        {
            var (spec, module) = merged.Fields[fieldName];
            RelationInfo? relation = null;
            if (spec.Type == FieldType.Many2many && spec.Comodel is { } comodel && spec.Store != false && spec.Compute is null && spec.Related is null)
            {
                var otherTable = Model.TableName(comodel);
                var ordered = string.CompareOrdinal(table, otherTable) <= 0 ? (table, otherTable) : (otherTable, table);
                var relationTable = spec.RelationTable ?? $"{ordered.Item1}_{ordered.Item2}_rel";
                var column1 = spec.Column1 ?? $"{table}_id";
                var column2 = spec.Column2 ?? $"{otherTable}_id";
                if (column1 == column2)
                {
                    throw new ModelDefinitionException(
                        $"Module '{module}', field '{name}.{fieldName}': a many2many to its own model needs column1 and column2");
                }

                foreach (var identifier in new[] { relationTable, column1, column2 })
                {
                    if (!FieldNamePattern().IsMatch(identifier) || identifier.Length > 63)
                    {
                        throw new ModelDefinitionException($"Module '{module}', field '{name}.{fieldName}': '{identifier}' is not a valid relation name");
                    }
                }

                if (all.Keys.Any(k => Model.TableName(k) == relationTable))
                {
                    throw new ModelDefinitionException($"Module '{module}', field '{name}.{fieldName}': relation table '{relationTable}' is a model's table");
                }

                relation = new RelationInfo(relationTable, column1, column2);
            }

            fields.Add(new Field(name, spec, module, magic: false, relation));
        }

        fields.Add(new Field(name, new FieldSpec { Name = "create_uid", Type = FieldType.Many2one, Comodel = "res.users", Label = "Created by", Readonly = true }, creator, true, null));
        fields.Add(new Field(name, new FieldSpec { Name = "create_date", Type = FieldType.Datetime, Label = "Created on", Readonly = true }, creator, true, null));
        fields.Add(new Field(name, new FieldSpec { Name = "write_uid", Type = FieldType.Many2one, Comodel = "res.users", Label = "Last Updated by", Readonly = true }, creator, true, null));
        fields.Add(new Field(name, new FieldSpec { Name = "write_date", Type = FieldType.Datetime, Label = "Last Updated on", Readonly = true }, creator, true, null));
        fields.Add(new Field(name, new FieldSpec { Name = "display_name", Type = FieldType.Char, Label = "Display Name", Readonly = true, Compute = "display_name" }, creator, true, null));

        var byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var recName = merged.RecName ?? (byName.ContainsKey("name") ? "name" : null);
        if (recName is not null && (!byName.TryGetValue(recName, out var rec) || rec.IsX2Many || rec.SystemOnly))
        {
            throw new ModelDefinitionException($"Model '{name}': rec_name '{recName}' is not a field of the model");
        }

        var parentName = merged.ParentName;
        if (parentName is null && byName.TryGetValue("parent_id", out var parent) && parent.Type == FieldType.Many2one && parent.Comodel == name)
        {
            parentName = "parent_id";
        }

        if (parentName is not null && (!byName.TryGetValue(parentName, out var p) || p.Type != FieldType.Many2one || p.Comodel != name))
        {
            throw new ModelDefinitionException($"Model '{name}': parent_name '{parentName}' must be a many2one to the model itself");
        }

        foreach (var constraint in merged.Constraints)
        {
            foreach (var column in constraint.UniqueFields)
            {
                if (!byName.TryGetValue(column, out var f) || !f.HasColumn)
                {
                    throw new ModelDefinitionException($"Model '{name}': constraint '{constraint.Name}' names '{column}', which is not a stored field");
                }
            }
        }

        var model = new Model(name, merged.Description ?? name, fields, merged.Constraints, merged.Modules, recName, parentName, []);
        // The default order is parsed against the finished model; related fields are resolved on first use.
        IReadOnlyList<OrderTerm> defaultOrder;
        try
        {
            defaultOrder = OrderParser.Parse(model, merged.Order ?? "id", n => n == name ? model : null);
        }
        catch (ValueErrorException e)
        {
            throw new ModelDefinitionException($"Module '{merged.Modules[^1]}', model '{name}': {e.Message}");
        }

        return new Model(name, merged.Description ?? name, fields, merged.Constraints, merged.Modules, recName, parentName, defaultOrder);
    }

    private static void Validate(Model model, Dictionary<string, Model> models)
    {
        foreach (var field in model.Fields)
        {
            var where = $"Module '{field.Module}', field '{model.Name}.{field.Name}'";
            if (field.IsRelational)
            {
                if (field.Comodel is null || !models.TryGetValue(field.Comodel, out var comodel))
                {
                    throw new ModelDefinitionException($"{where}: comodel '{field.Comodel}' is not declared by any installed module");
                }

                if (field.Type == FieldType.One2many)
                {
                    var inverse = field.Spec.InverseName is { } i ? comodel.FindField(i) : null;
                    if (inverse is null || inverse.Type != FieldType.Many2one || inverse.Comodel != model.Name)
                    {
                        throw new ModelDefinitionException(
                            $"{where}: inverse '{field.Spec.InverseName}' must be a many2one of '{comodel.Name}' pointing to '{model.Name}'");
                    }
                }
            }

            if (field.Type == FieldType.Selection && field.Spec.Selection is not { Count: > 0 } && field.Spec.Compute is null && field.Spec.Related is null)
            {
                throw new ModelDefinitionException($"{where}: a selection field needs options");
            }

            if (field.Related is { } path)
            {
                var current = model;
                for (var i = 0; i < path.Count; i++)
                {
                    var step = current.FindField(path[i])
                        ?? throw new ModelDefinitionException($"{where}: related path '{field.Spec.Related}' names unknown field '{path[i]}' of '{current.Name}'");
                    if (i < path.Count - 1)
                    {
                        if (step.Type != FieldType.Many2one)
                        {
                            throw new ModelDefinitionException($"{where}: related path '{field.Spec.Related}' goes through '{path[i]}', which is not a many2one");
                        }

                        current = models[step.Comodel!];
                    }
                    else if (step.Type != field.Type)
                    {
                        throw new ModelDefinitionException($"{where}: related field has type {field.Type} but '{field.Spec.Related}' is {step.Type}");
                    }
                }
            }

            if (field.Spec.Default is { } value && field.Type == FieldType.Selection && field.Spec.Selection is { } options
                && !options.Any(o => string.Equals(o.Value, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))
            {
                throw new ModelDefinitionException($"{where}: default '{value}' is not one of the options");
            }
        }

        // Re-parse the default order with every model known, so related order fields are checked.
        try
        {
            OrderParser.Parse(model, string.Join(", ", model.DefaultOrder.Select(t => t.Field + (t.Descending ? " desc" : ""))),
                n => models.GetValueOrDefault(n));
        }
        catch (ValueErrorException e)
        {
            throw new ModelDefinitionException($"Model '{model.Name}': {e.Message}");
        }
    }

    private Dictionary<(string Model, string Field), ComputeTrigger[]> BuildTriggers()
    {
        var triggers = new Dictionary<(string Model, string Field), List<ComputeTrigger>>();
        void Add(string model, string field, ComputeTrigger trigger)
        {
            if (!triggers.TryGetValue((model, field), out var list))
            {
                triggers[(model, field)] = list = [];
            }

            if (!list.Contains(trigger))
            {
                list.Add(trigger);
            }
        }

        foreach (var model in Models)
        {
            foreach (var field in model.Fields.Where(f => f.IsComputed && f.IsStored && f.Spec.Depends is not null))
            {
                foreach (var depends in field.Spec.Depends!)
                {
                    var path = depends.Split('.', StringSplitOptions.TrimEntries);
                    var current = model;
                    var prefix = new List<string>();
                    for (var i = 0; i < path.Length && current is not null; i++)
                    {
                        var step = current.FindField(path[i]);
                        if (step is null)
                        {
                            break;
                        }

                        var via = prefix.Count == 0 ? null : string.Join('.', prefix);
                        Add(current.Name, step.Name, new ComputeTrigger(model.Name, field.Spec.Compute!, via));
                        if (i == path.Length - 1 || !step.IsRelational)
                        {
                            break;
                        }

                        var next = FindModel(step.Comodel!);
                        if (next is null)
                        {
                            break;
                        }

                        prefix.Add(step.Name);
                        if (step.Type == FieldType.One2many)
                        {
                            // Re-parenting a line changes which record's value depends on it.
                            Add(next.Name, step.Spec.InverseName!, new ComputeTrigger(model.Name, field.Spec.Compute!, string.Join('.', prefix)));
                        }

                        current = next;
                    }
                }
            }
        }

        return triggers.ToDictionary(p => p.Key, p => p.Value.ToArray());
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex FieldNamePattern();

    private sealed class MergedModel(string name)
    {
        public string Name { get; } = name;

        public List<string> Modules { get; } = [];

        public string? Description { get; set; }

        public string? Order { get; set; }

        public string? RecName { get; set; }

        public string? ParentName { get; set; }

        public Dictionary<string, (FieldSpec Spec, string Module)> Fields { get; } = new(StringComparer.Ordinal);

        public List<string> FieldOrder { get; } = [];

        public List<ConstraintSpec> Constraints { get; } = [];
    }
}

/// <summary>
/// A stored computed field to recompute when a field changes: on the records of <see cref="TargetModel"/> that
/// reach the changed records through <see cref="Path"/> (the changed records themselves when null).
/// </summary>
internal sealed record ComputeTrigger(string TargetModel, string Compute, string? Path);
