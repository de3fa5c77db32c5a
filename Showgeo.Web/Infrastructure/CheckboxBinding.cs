using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Binders;

namespace Showgeo.Web.Infrastructure;

/// <summary>
/// Binds bool values as MVC does, but a value that is not a boolean ("abc" for a checkbox) keeps its validation error
/// without being kept as the field's raw value. The checkbox tag helper converts the raw value back to bool when the
/// form is shown again and throws a FormatException on anything else, which turned a hand-made form post into a 500.
/// </summary>
public sealed class CheckboxBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(bool)
            ? new CheckboxBinder(new SimpleTypeModelBinder(context.Metadata.ModelType, context.Services.GetRequiredService<ILoggerFactory>()))
            : null;

    private sealed class CheckboxBinder(IModelBinder inner) : IModelBinder
    {
        public async Task BindModelAsync(ModelBindingContext context)
        {
            await inner.BindModelAsync(context);
            if (context.Result.IsModelSet) return;
            var entry = context.ModelState[context.ModelName];
            if (entry is { ValidationState: ModelValidationState.Invalid })
                context.ModelState.SetModelValue(context.ModelName, rawValue: null, entry.AttemptedValue);
        }
    }
}
